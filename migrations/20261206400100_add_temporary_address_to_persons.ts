import type { Knex } from 'knex';

/** The address of temporary registration, where the person registry has one (rules, item 6). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('persons', (t) => {
    t.jsonb('temporary_address');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('persons', (t) => {
    t.dropColumn('temporary_address');
  });
}
