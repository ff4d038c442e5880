import type { Knex } from 'knex';

/**
 * The МСУ registry: an institution per organisation with the direction «special social services»,
 * and its departments with the bed counters. `free` is the one hot row a bed rush contends for:
 * it is only ever changed by conditional UPDATE … RETURNING and the CHECK keeps it within 0..beds_total.
 * `queue_seq` numbers the department's queue entries (taken under the same row lock, so the numbers
 * follow commit order and never repeat).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('msu_institutions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().unique().references('organisations.id');
    t.string('name').notNullable();
    t.jsonb('description').notNullable().defaultTo('{}');
    t.jsonb('arrival_info').notNullable().defaultTo('{}');
    t.string('region').notNullable();
    t.string('locality').notNullable();
    t.string('address').notNullable().defaultTo('');
    t.string('phone');
    t.string('email');
    t.string('working_hours').notNullable().defaultTo('');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['region', 'locality']);
  });

  await knex.schema.createTable('msu_departments', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('msu_institutions.id');
    t.jsonb('name').notNullable().defaultTo('{}');
    t.string('profile').notNullable();
    t.string('sex', 3).notNullable().defaultTo('any');
    t.string('age_group').notNullable().defaultTo('any');
    t.integer('beds_total').notNullable();
    t.integer('free').notNullable();
    t.timestamp('free_confirmed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('queue_seq').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['institution_id']);
  });
  await knex.raw(
    `alter table msu_departments add constraint msu_departments_beds check (beds_total >= 0 and free >= 0 and free <= beds_total)`,
  );
  await knex.raw(
    `alter table msu_departments add constraint msu_departments_profile check (profile in ('general','psychoneurological','mercy','rehabilitation'))`,
  );
  await knex.raw(
    `alter table msu_departments add constraint msu_departments_sex check (sex in ('any','M','F'))`,
  );
  await knex.raw(
    `alter table msu_departments add constraint msu_departments_age_group check (age_group in ('any','children','adults','elderly'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('msu_departments');
  await knex.schema.dropTable('msu_institutions');
}
