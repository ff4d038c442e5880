import type { Knex } from 'knex';

/**
 * The МСУ part of an order (kind 'msu'): the department, the queue entry (its number in the
 * department's queue and its state) and the stay (arrival deadline, arrival, discharge); plus the
 * log of every change of a queue entry's position with the reason the recipient reads.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('msu_orders', (t) => {
    t.bigInteger('order_id').primary().references('orders.id');
    t.bigInteger('institution_id').notNullable().references('msu_institutions.id');
    t.bigInteger('department_id').notNullable().references('msu_departments.id');
    t.string('entry').notNullable();
    t.bigInteger('queue_seq');
    t.string('queue_state');
    t.timestamp('queued_at', { useTz: true });
    t.timestamp('left_queue_at', { useTz: true });
    t.string('left_reason');
    t.date('arrival_deadline');
    t.timestamp('bed_held_at', { useTz: true });
    t.timestamp('arrived_at', { useTz: true });
    t.timestamp('discharged_at', { useTz: true });
    t.text('reason');
    t.unique(['department_id', 'queue_seq']);
  });
  await knex.raw(
    `alter table msu_orders add constraint msu_orders_entry check (entry in ('direct','queue'))`,
  );
  await knex.raw(
    `alter table msu_orders add constraint msu_orders_queue_state check (queue_state is null or queue_state in ('waiting','offered','left'))`,
  );
  await knex.raw(
    `alter table msu_orders add constraint msu_orders_left_reason check (left_reason is null or left_reason in ('enrolled','cancelled','declined','lapsed'))`,
  );
  await knex.raw(
    `create index msu_orders_queue on msu_orders (department_id, queue_seq) where queue_state in ('waiting','offered')`,
  );
  await knex.raw(`create index msu_orders_institution on msu_orders (institution_id)`);

  await knex.schema.createTable('msu_position_changes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().references('orders.id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('from_position').notNullable();
    t.integer('to_position').notNullable();
    t.string('reason').notNullable();
    t.bigInteger('cause_order_id').references('orders.id');
    t.index(['order_id', 'at']);
  });
  await knex.raw(
    `alter table msu_position_changes add constraint msu_position_changes_reason check (reason in ('ahead_enrolled','ahead_left','ahead_declined','ahead_lapsed'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('msu_position_changes');
  await knex.schema.dropTable('msu_orders');
}
