import type { Knex } from 'knex';

/**
 * The suppliers' catalogue of ТСР goods: one row per article of a ТСР kind (help_types with category
 * 'tsr'). Price in integer tiyn; the surcharge is computed from the kind's guaranteed sum.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('goods', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.string('help_type').notNullable().references('help_types.code');
    t.string('name').notNullable();
    t.text('characteristics').notNullable().defaultTo('');
    t.bigInteger('price_tiyn').notNullable();
    t.boolean('accompanying_service').notNullable().defaultTo(false);
    t.specificType('delivery_options', 'text[]').notNullable();
    t.specificType('regions', 'text[]').notNullable().defaultTo('{}');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
    t.index(['help_type', 'active']);
  });
  await knex.raw(`alter table goods add constraint goods_price check (price_tiyn > 0)`);
  await knex.raw(
    `alter table goods add constraint goods_delivery_options check (cardinality(delivery_options) > 0 and delivery_options <@ array['courier','pickup','stationary','home']::text[])`,
  );
  await knex.raw(`create index goods_regions on goods using gin (regions)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goods');
}
