import type { Knex } from 'knex';

/** A ТСР supplier's stationary points (fitting with an accompanying service) and warehouses (pickup, dispatch). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('goods_locations', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.string('kind').notNullable();
    t.string('name').notNullable();
    t.string('region').notNullable();
    t.string('locality').notNullable();
    t.string('address').notNullable();
    t.string('phone');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
  });
  await knex.raw(
    `alter table goods_locations add constraint goods_locations_kind check (kind in ('stationary','warehouse'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goods_locations');
}
