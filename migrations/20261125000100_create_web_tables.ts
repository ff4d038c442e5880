import type { Knex } from 'knex';

/** Sessions (connect-pg-simple's table) and login rate-limit counters shared by every app instance. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6, useTz: true }).notNullable().index();
    t.bigInteger('person_id').nullable().index();
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.dropTable('sessions');
}
