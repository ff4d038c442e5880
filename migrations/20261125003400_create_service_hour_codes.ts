import type { Knex } from 'knex';

/**
 * The confirmation codes sent to the recipient by SMS for the hours of a journal entry: the pending
 * entry waits here until the specialist types the code (kept only as a keyed hash, with an expiry and
 * a limited number of attempts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_hour_codes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().references('orders.id');
    t.bigInteger('specialist_person_id').notNullable().references('persons.id');
    t.date('day').notNullable();
    t.integer('hours').notNullable();
    t.string('format', 16);
    t.text('objects_kk');
    t.text('objects_ru');
    t.string('code_hash', 64).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('state', 16).notNullable().defaultTo('pending');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('used_at', { useTz: true });
    t.bigInteger('entry_id').references('service_journal_entries.id');
    t.index(['order_id', 'created_at']);
  });
  await knex.raw(
    `alter table service_hour_codes add constraint service_hour_codes_state_check check (state in ('pending','used','blocked','superseded'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_hour_codes');
}
