import type { Knex } from 'knex';

/**
 * Stock of an article at a stationary point or warehouse. A reservation is a conditional increment of
 * `reserved`; the CHECK makes overbooking impossible whatever the application does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('goods_stock', (t) => {
    t.bigInteger('goods_id').notNullable().references('goods.id').onDelete('CASCADE');
    t.bigInteger('location_id').notNullable().references('goods_locations.id');
    t.integer('quantity').notNullable().defaultTo(0);
    t.integer('reserved').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['goods_id', 'location_id']);
    t.index(['location_id']);
  });
  await knex.raw(
    `alter table goods_stock add constraint goods_stock_bounds check (quantity >= 0 and reserved >= 0 and reserved <= quantity)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goods_stock');
}
