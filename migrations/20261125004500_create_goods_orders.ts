import type { Knex } from 'knex';

/**
 * The goods part of an order (kind 'goods'): the article, how it reaches the recipient, the money as
 * it was when the order was signed, the reservation and the hand-over.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('goods_orders', (t) => {
    t.bigInteger('order_id').primary().references('orders.id');
    t.bigInteger('goods_id').notNullable().references('goods.id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.string('fulfilment').notNullable();
    t.bigInteger('location_id').references('goods_locations.id');
    t.jsonb('delivery_address');
    t.string('contact_phone');
    t.text('comment');
    t.bigInteger('price_tiyn').notNullable();
    t.bigInteger('guaranteed_tiyn').notNullable();
    t.bigInteger('surcharge_tiyn').notNullable();
    t.string('reservation').notNullable().defaultTo('none');
    t.bigInteger('reserved_location_id').references('goods_locations.id');
    t.string('track_number');
    t.timestamp('handed_over_at', { useTz: true });
    t.bigInteger('created_document_id').references('signed_documents.id');
    t.bigInteger('reimbursement_document_id').references('signed_documents.id');
    t.index(['organisation_id']);
    t.index(['goods_id']);
  });
  await knex.raw(
    `alter table goods_orders add constraint goods_orders_fulfilment check (fulfilment in ('courier','pickup','stationary','home'))`,
  );
  await knex.raw(
    `alter table goods_orders add constraint goods_orders_reservation check (reservation in ('none','reserved','released','consumed'))`,
  );
  await knex.raw(
    `alter table goods_orders add constraint goods_orders_money check (price_tiyn > 0 and guaranteed_tiyn >= 0 and surcharge_tiyn = greatest(0, price_tiyn - guaranteed_tiyn))`,
  );
  await knex.raw(
    `alter table goods_orders add constraint goods_orders_reserved_location check (reservation = 'none' or reserved_location_id is not null)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goods_orders');
}
