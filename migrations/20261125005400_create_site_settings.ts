import type { Knex } from 'knex';

/** Settings administrators edit, such as the contact-centre phone shown in every page's footer. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('site_settings', (t) => {
    t.string('key').primary();
    t.text('value').notNullable();
    t.bigInteger('updated_by').references('persons.id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex('site_settings').insert({ key: 'contact_phone', value: '1414' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('site_settings');
}
