import type { Knex } from 'knex';

/**
 * Persons as the state registries know them (ГБД ФЛ, БМГ), portal accounts and roles,
 * organisations (by БИН) and guardianships.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('persons', (t) => {
    t.bigIncrements('id');
    t.string('iin', 12).notNullable().unique();
    t.string('surname').notNullable();
    t.string('name').notNullable();
    t.string('patronymic');
    t.date('birth_date').notNullable();
    t.string('sex', 1).notNullable();
    t.jsonb('address').notNullable().defaultTo('{}');
    t.string('region').notNullable().defaultTo('');
    t.string('locality').notNullable().defaultTo('');
    t.jsonb('id_document').notNullable().defaultTo('{}');
    t.jsonb('bank_details').notNullable().defaultTo('{}');
    t.jsonb('medical_org').notNullable().defaultTo('{}');
    t.string('phone');
    t.string('email');
    t.string('notify_channel').notNullable().defaultTo('sms');
    t.string('locale', 2).notNullable().defaultTo('ru');
    t.timestamp('registry_synced_at', { useTz: true });
    t.timestamp('account_created_at', { useTz: true });
    t.timestamp('welcomed_at', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['region', 'locality']);
  });
  await knex.raw(`alter table persons add constraint persons_sex_check check (sex in ('M','F'))`);
  await knex.raw(
    `alter table persons add constraint persons_notify_check check (notify_channel in ('sms','email'))`,
  );
  await knex.raw(
    `alter table persons add constraint persons_locale_check check (locale in ('ru','kk','en'))`,
  );

  await knex.schema.createTable('organisations', (t) => {
    t.bigIncrements('id');
    t.string('bin', 12).notNullable().unique();
    t.string('name').notNullable();
    t.string('head').notNullable().defaultTo('');
    t.jsonb('address').notNullable().defaultTo('{}');
    t.string('region').notNullable().defaultTo('');
    t.string('locality').notNullable().defaultTo('');
    t.string('activity_code').notNullable().defaultTo('');
    t.specificType('directions', 'text[]').notNullable().defaultTo('{}');
    t.string('phone');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('person_roles', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('persons.id').onDelete('CASCADE');
    t.string('role').notNullable();
    t.bigInteger('organisation_id').references('organisations.id');
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('granted_by').references('persons.id');
  });
  await knex.raw(
    `alter table person_roles add constraint person_roles_role_check check (role in ('recipient','guardian','specialist','employee','admin','operator'))`,
  );
  await knex.raw(
    `create unique index person_roles_unique on person_roles (person_id, role, coalesce(organisation_id, 0))`,
  );

  await knex.schema.createTable('guardianships', (t) => {
    t.bigIncrements('id');
    t.bigInteger('guardian_id').notNullable().references('persons.id').onDelete('CASCADE');
    t.bigInteger('ward_id').notNullable().references('persons.id').onDelete('CASCADE');
    t.string('basis').notNullable().defaultTo('');
    t.date('valid_until');
    t.unique(['guardian_id', 'ward_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('guardianships');
  await knex.schema.dropTable('person_roles');
  await knex.schema.dropTable('organisations');
  await knex.schema.dropTable('persons');
}
