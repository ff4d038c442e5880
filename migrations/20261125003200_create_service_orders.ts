import type { Knex } from 'knex';

/** The detail of a specialist-service order (kind 'service'): who serves, the recipient's contacts and address. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_orders', (t) => {
    t.bigInteger('order_id').primary().references('orders.id');
    t.bigInteger('specialist_entry_id').notNullable().references('specialists.id');
    t.bigInteger('specialist_person_id').notNullable().references('persons.id');
    t.string('help_type', 8).notNullable();
    t.string('phone', 32).notNullable();
    t.string('email');
    t.text('address').notNullable();
    t.text('comment');
    t.date('confirmed_on');
    t.boolean('joint_work_ended').notNullable().defaultTo(false);
    t.index(['specialist_person_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_orders');
}
