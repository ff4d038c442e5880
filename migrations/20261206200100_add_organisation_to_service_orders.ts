import type { Knex } from 'knex';

/**
 * A sign-language or assistant order may go to an organisation (seed 001 item 28: «другого
 * специалиста или организацию»): the organisation is stored on the order, and its specialist is
 * filled in when an employee assigns one. Either a specialist or an organisation is always set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_orders', (t) => {
    t.bigInteger('organisation_id').references('organisations.id');
    t.index(['organisation_id']);
  });
  await knex.raw(`alter table service_orders alter column specialist_entry_id drop not null`);
  await knex.raw(`alter table service_orders alter column specialist_person_id drop not null`);
  await knex.raw(
    `alter table service_orders add constraint service_orders_provider check (specialist_person_id is not null or organisation_id is not null)`,
  );
  await knex.raw(
    `alter table service_orders add constraint service_orders_specialist_pair check ((specialist_person_id is null) = (specialist_entry_id is null))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table service_orders drop constraint service_orders_specialist_pair`);
  await knex.raw(`alter table service_orders drop constraint service_orders_provider`);
  await knex.raw(`delete from service_orders where specialist_person_id is null`);
  await knex.raw(`alter table service_orders alter column specialist_person_id set not null`);
  await knex.raw(`alter table service_orders alter column specialist_entry_id set not null`);
  await knex.schema.alterTable('service_orders', (t) => {
    t.dropIndex(['organisation_id']);
    t.dropColumn('organisation_id');
  });
}
