import type { Knex } from 'knex';

/**
 * Sanatorium-resort treatment (санаторно-курортное лечение), the fourth order kind: a sanatorium's
 * offer (one per organisation with the direction), its arrival periods («заезды») with places for
 * recipients and accompanying persons, the order's detail, and the sanatorium terms of an IPR measure
 * (the medical profile and whether an accompanying person is allowed). Places are a conditional
 * increment of `booked`; the CHECKs make overbooking impossible whatever the application does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table orders drop constraint orders_kind`);
  await knex.raw(
    `alter table orders add constraint orders_kind check (kind in ('msu','service','goods','sanatorium'))`,
  );
  // the state pays up to this sum per stay; the rest is the recipient's surcharge (as for ТСР)
  await knex('help_types').where({ code: 'SANATORIUM' }).update({ guaranteed_sum_tiyn: 30_000_000 });

  await knex.schema.createTable('sanatoriums', (t) => {
    t.bigInteger('organisation_id').primary().references('organisations.id');
    t.string('name').notNullable();
    t.string('region').notNullable();
    t.string('locality').notNullable();
    t.string('address').notNullable();
    t.specificType('profiles', 'text[]').notNullable().defaultTo('{}');
    t.text('description').notNullable().defaultTo('');
    t.boolean('wheelchair').notNullable().defaultTo(false);
    t.boolean('lift').notNullable().defaultTo(false);
    t.boolean('adapted_rooms').notNullable().defaultTo(false);
    t.boolean('sign_language').notNullable().defaultTo(false);
    t.boolean('published').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['region']);
  });

  await knex.schema.createTable('sanatorium_periods', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().references('sanatoriums.organisation_id');
    t.date('starts_on').notNullable();
    t.integer('days').notNullable();
    t.integer('places').notNullable();
    t.integer('companion_places').notNullable().defaultTo(0);
    t.integer('booked').notNullable().defaultTo(0);
    t.integer('companion_booked').notNullable().defaultTo(0);
    t.bigInteger('price_tiyn').notNullable();
    t.bigInteger('companion_price_tiyn').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id', 'starts_on']);
  });
  await knex.raw(
    `alter table sanatorium_periods add constraint sanatorium_periods_places check (
       days between 1 and 60 and places >= 0 and companion_places >= 0
       and booked >= 0 and booked <= places and companion_booked >= 0 and companion_booked <= companion_places
       and price_tiyn > 0 and companion_price_tiyn >= 0)`,
  );

  await knex.schema.createTable('sanatorium_orders', (t) => {
    t.bigInteger('order_id').primary().references('orders.id');
    t.bigInteger('period_id').notNullable().references('sanatorium_periods.id');
    t.bigInteger('organisation_id').notNullable().references('sanatoriums.organisation_id');
    t.boolean('with_companion').notNullable().defaultTo(false);
    t.bigInteger('price_tiyn').notNullable();
    t.bigInteger('guaranteed_tiyn').notNullable();
    t.bigInteger('surcharge_tiyn').notNullable();
    /** the places are held from the recipient's signature until released (refusal, no-show) */
    t.boolean('holds_places').notNullable().defaultTo(true);
    t.string('voucher_number').unique();
    t.bigInteger('created_document_id').references('signed_documents.id');
    t.bigInteger('reimbursement_document_id').references('signed_documents.id');
    t.bigInteger('voucher_document_id').references('signed_documents.id');
    t.timestamp('arrived_at', { useTz: true });
    t.timestamp('departed_at', { useTz: true });
    t.integer('days_used');
    t.index(['organisation_id']);
    t.index(['period_id']);
  });
  await knex.raw(
    `alter table sanatorium_orders add constraint sanatorium_orders_money check (price_tiyn > 0 and guaranteed_tiyn >= 0 and surcharge_tiyn = greatest(0, price_tiyn - guaranteed_tiyn))`,
  );

  await knex.schema.createTable('sanatorium_measure_terms', (t) => {
    t.bigInteger('measure_id').primary().references('ipr_measures.id');
    t.string('profile').notNullable();
    t.boolean('companion_allowed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sanatorium_measure_terms');
  await knex.schema.dropTable('sanatorium_orders');
  await knex.schema.dropTable('sanatorium_periods');
  await knex.schema.dropTable('sanatoriums');
  await knex('help_types').where({ code: 'SANATORIUM' }).update({ guaranteed_sum_tiyn: null });
  await knex.raw(`alter table orders drop constraint orders_kind`);
  await knex.raw(`alter table orders add constraint orders_kind check (kind in ('msu','service','goods'))`);
}
