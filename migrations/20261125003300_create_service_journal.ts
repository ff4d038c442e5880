import type { Knex } from 'knex';

/**
 * «Журнал учета оказания услуг»: one entry per day of service, and the per-person per-day hour
 * counters that enforce «no more than 8 hours a day» for the specialist and for the recipient
 * (a conditional upsert on the counter row settles concurrent entries in PostgreSQL).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_journal_entries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().references('orders.id');
    t.bigInteger('specialist_person_id').notNullable().references('persons.id');
    t.bigInteger('recipient_id').notNullable().references('persons.id');
    t.string('help_type', 8).notNullable();
    t.date('day').notNullable();
    t.integer('hours').notNullable();
    t.string('format', 16);
    t.text('objects_kk');
    t.text('objects_ru');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id', 'day']);
    t.index(['specialist_person_id', 'day']);
  });
  await knex.raw(
    `alter table service_journal_entries add constraint service_journal_entries_hours_check check (hours between 1 and 8)`,
  );

  await knex.schema.createTable('service_day_hours', (t) => {
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('role', 16).notNullable();
    t.date('day').notNullable();
    t.integer('hours').notNullable();
    t.primary(['person_id', 'role', 'day']);
  });
  await knex.raw(
    `alter table service_day_hours add constraint service_day_hours_check check (hours between 0 and 8 and role in ('specialist','recipient'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_day_hours');
  await knex.schema.dropTable('service_journal_entries');
}
