import type { Knex } from 'knex';

/** Non-working days administrators add to the configured ones (HOLIDAYS): the contact centre's calendar. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('holidays', (t) => {
    t.date('day').primary();
    t.string('name', 200).notNullable().defaultTo('');
    t.bigInteger('created_by').references('persons.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('holidays');
}
