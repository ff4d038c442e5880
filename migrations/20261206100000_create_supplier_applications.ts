import type { Knex } from 'knex';

/**
 * Registration of suppliers (rules item 12) and the directions of the organisation card (item 13):
 * the organisation's kind (legal entity or individual entrepreneur), the directions its activity
 * code opens (`available_directions`) beside the ones in effect (`directions`, what the rest of the
 * portal reads), the administrator's reason for narrowing them, the registry answer it registered
 * with; and the applications an administrator decides.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organisations', (t) => {
    t.string('kind').notNullable().defaultTo('legal');
    t.specificType('available_directions', 'text[]').notNullable().defaultTo('{}');
    t.specificType('other_activity_codes', 'text[]').notNullable().defaultTo('{}');
    t.text('directions_reason');
    t.timestamp('directions_narrowed_at', { useTz: true });
    t.bigInteger('directions_narrowed_by').references('persons.id');
    t.bigInteger('directions_document_id').references('signed_documents.id');
    t.jsonb('registry_data').notNullable().defaultTo('{}');
  });
  await knex.raw(
    `alter table organisations add constraint organisations_kind_check check (kind in ('legal','entrepreneur'))`,
  );
  // the organisations registered before this step keep what they had as what is open to them
  await knex.raw(`update organisations set available_directions = directions`);

  await knex.schema.createTable('supplier_applications', (t) => {
    t.bigIncrements('id');
    t.string('kind').notNullable();
    /** the БИН, or the entrepreneur's ИИН */
    t.string('bin', 12).notNullable();
    t.bigInteger('applicant_id').notNullable().references('persons.id');
    t.string('status').notNullable().defaultTo('submitted');
    t.string('name').notNullable();
    t.string('activity_code').notNullable().defaultTo('');
    t.specificType('available_directions', 'text[]').notNullable().defaultTo('{}');
    t.jsonb('registry_data').notNullable();
    t.bigInteger('signed_document_id').notNullable().references('signed_documents.id');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.bigInteger('decided_by').references('persons.id');
    t.timestamp('decided_at', { useTz: true });
    t.bigInteger('decision_document_id').references('signed_documents.id');
    t.text('refusal_reason');
    t.bigInteger('organisation_id').references('organisations.id');
    t.index(['applicant_id']);
    t.index(['bin']);
  });
  await knex.raw(
    `alter table supplier_applications add constraint supplier_applications_kind_check check (kind in ('legal','entrepreneur'))`,
  );
  await knex.raw(
    `alter table supplier_applications add constraint supplier_applications_status_check check (status in ('submitted','approved','refused'))`,
  );
  // one undecided application per БИН/ИИН
  await knex.raw(
    `create unique index supplier_applications_one_open on supplier_applications (bin) where status = 'submitted'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('supplier_applications');
  await knex.raw(`alter table organisations drop constraint organisations_kind_check`);
  await knex.schema.alterTable('organisations', (t) => {
    t.dropColumn('registry_data');
    t.dropColumn('directions_document_id');
    t.dropColumn('directions_narrowed_by');
    t.dropColumn('directions_narrowed_at');
    t.dropColumn('directions_reason');
    t.dropColumn('other_activity_codes');
    t.dropColumn('available_directions');
    t.dropColumn('kind');
  });
}
