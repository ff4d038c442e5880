import type { Knex } from 'knex';

/**
 * Special social services by contract (seed 002, docs/contracts.md).
 * - `ssu_programmes`: the individual programme (ИППСУ) from Е-Собес, one row per external id, with
 *   its revision; `ssu_programme_services` the recommended services (form, volume, period),
 *   `ssu_programme_providers` the recommended providers.
 * - `ssu_contracts`: a contract between the person and a provider, with its status, number and
 *   validity (empty until both sign), the two signed documents; `ssu_contract_services` its services
 *   with the volume and the `rendered` count, which a check keeps within the volume;
 *   `ssu_contract_events` its history.
 * - `ssu_service_records`: services the provider rendered; a trigger adds each record to the
 *   contract service's `rendered`, so a record past the volume is refused by the database.
 * - `ssu_acts`: the act of services rendered, formed by the provider, signed or disputed by the person.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ssu_programmes', (t) => {
    t.bigIncrements('id');
    t.string('external_id', 64).notNullable().unique();
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('category').notNullable();
    t.string('number', 64).notNullable();
    t.date('developed_on').notNullable();
    t.date('valid_until').notNullable();
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['person_id']);
  });
  await knex.raw(
    `alter table ssu_programmes add constraint ssu_programmes_category_check check (category in ('disability','elderly'))`,
  );
  await knex.raw(
    `alter table ssu_programmes add constraint ssu_programmes_validity_check check (valid_until >= developed_on)`,
  );

  await knex.schema.createTable('ssu_programme_services', (t) => {
    t.bigIncrements('id');
    t.bigInteger('programme_id').notNullable().references('ssu_programmes.id').onDelete('cascade');
    t.string('external_id', 64).notNullable();
    t.string('code', 64).notNullable();
    t.jsonb('name').notNullable();
    t.string('form').notNullable();
    t.integer('volume').notNullable();
    t.date('period_from').notNullable();
    t.date('period_to').notNullable();
    /** a later revision of the programme no longer recommends it (kept for the contracts that name it) */
    t.boolean('withdrawn').notNullable().defaultTo(false);
    t.integer('sort').notNullable().defaultTo(0);
    t.unique(['programme_id', 'external_id']);
  });
  await knex.raw(
    `alter table ssu_programme_services add constraint ssu_programme_services_form_check check (form in ('home','semi_stationary','stationary'))`,
  );
  await knex.raw(
    `alter table ssu_programme_services add constraint ssu_programme_services_volume_check check (volume > 0 and period_to >= period_from)`,
  );

  await knex.schema.createTable('ssu_programme_providers', (t) => {
    t.bigInteger('programme_id').notNullable().references('ssu_programmes.id').onDelete('cascade');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.integer('sort').notNullable().defaultTo(0);
    t.primary(['programme_id', 'organisation_id']);
  });

  await knex.schema.createTable('ssu_contracts', (t) => {
    t.bigIncrements('id');
    t.string('number', 32).unique();
    t.bigInteger('programme_id').notNullable().references('ssu_programmes.id');
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.bigInteger('requested_by').notNullable().references('persons.id');
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.string('status').notNullable();
    t.boolean('is_open').notNullable().defaultTo(true);
    t.date('valid_from');
    t.date('valid_to');
    t.bigInteger('provider_document_id').references('signed_documents.id');
    t.bigInteger('recipient_document_id').references('signed_documents.id');
    t.text('reason');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('status_changed_at', { useTz: true }).notNullable();
    t.index(['person_id']);
    t.index(['organisation_id', 'status']);
  });
  await knex.raw(
    `alter table ssu_contracts add constraint ssu_contracts_status_check check (status in
      ('requested','provider_signed','active','declined','expired','terminated_by_recipient','terminated_by_provider'))`,
  );
  await knex.raw(
    `alter table ssu_contracts add constraint ssu_contracts_validity_check check (valid_to is null or valid_to >= valid_from)`,
  );
  // one open contract (or request) per programme and provider
  await knex.raw(
    `create unique index ssu_contracts_one_open on ssu_contracts (programme_id, organisation_id) where is_open`,
  );

  await knex.schema.createTable('ssu_contract_services', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('ssu_contracts.id').onDelete('cascade');
    t.bigInteger('programme_service_id').notNullable().references('ssu_programme_services.id');
    t.integer('volume').notNullable();
    t.integer('rendered').notNullable().defaultTo(0);
    t.unique(['contract_id', 'programme_service_id']);
  });
  await knex.raw(
    `alter table ssu_contract_services add constraint ssu_contract_services_volume_check check (volume > 0)`,
  );
  await knex.raw(
    `alter table ssu_contract_services add constraint ssu_contract_services_rendered_within_volume check (rendered >= 0 and rendered <= volume)`,
  );

  await knex.schema.createTable('ssu_contract_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('ssu_contracts.id').onDelete('cascade');
    t.timestamp('at', { useTz: true }).notNullable();
    t.bigInteger('actor_id').references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.string('action').notNullable();
    t.string('from_status');
    t.string('to_status').notNullable();
    t.text('reason');
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.index(['contract_id']);
  });

  await knex.schema.createTable('ssu_acts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('ssu_contracts.id').onDelete('cascade');
    t.string('status').notNullable();
    t.jsonb('items').notNullable();
    t.bigInteger('formed_by').notNullable().references('persons.id');
    t.timestamp('formed_at', { useTz: true }).notNullable();
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.text('dispute_reason');
    t.timestamp('decided_at', { useTz: true });
    t.index(['contract_id']);
  });
  await knex.raw(
    `alter table ssu_acts add constraint ssu_acts_status_check check (status in ('formed','signed','disputed'))`,
  );
  await knex.raw(`create unique index ssu_acts_one_formed on ssu_acts (contract_id) where status = 'formed'`);

  await knex.schema.createTable('ssu_service_records', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('ssu_contracts.id').onDelete('cascade');
    t.bigInteger('contract_service_id').notNullable().references('ssu_contract_services.id');
    t.date('rendered_on').notNullable();
    t.integer('quantity').notNullable();
    t.bigInteger('recorded_by').notNullable().references('persons.id');
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.bigInteger('act_id').references('ssu_acts.id');
    t.index(['contract_id']);
  });
  await knex.raw(
    `alter table ssu_service_records add constraint ssu_service_records_quantity_check check (quantity > 0 and quantity <= 1000)`,
  );
  // every record counts against its contract service's volume: the update locks the row (concurrent
  // records queue behind it) and the check on ssu_contract_services refuses a count past the volume
  await knex.raw(`
    create function ssu_count_rendered() returns trigger language plpgsql as $$
    begin
      update ssu_contract_services set rendered = rendered + new.quantity
        where id = new.contract_service_id and contract_id = new.contract_id;
      if not found then
        raise exception 'ssu record names a service of another contract' using errcode = '23514',
          constraint = 'ssu_contract_services_rendered_within_volume';
      end if;
      return new;
    end $$`);
  await knex.raw(
    `create trigger ssu_service_records_count after insert on ssu_service_records for each row execute function ssu_count_rendered()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists ssu_service_records_count on ssu_service_records');
  await knex.raw('drop function if exists ssu_count_rendered()');
  await knex.schema.dropTable('ssu_service_records');
  await knex.schema.dropTable('ssu_acts');
  await knex.schema.dropTable('ssu_contract_events');
  await knex.schema.dropTable('ssu_contract_services');
  await knex.schema.dropTable('ssu_contracts');
  await knex.schema.dropTable('ssu_programme_providers');
  await knex.schema.dropTable('ssu_programme_services');
  await knex.schema.dropTable('ssu_programmes');
}
