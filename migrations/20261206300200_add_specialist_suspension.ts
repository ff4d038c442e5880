import type { Knex } from 'knex';

/**
 * A specialist in the registry may be suspended by the administrator (no new orders, existing ones go
 * on) besides excluded; the administrator's reason, when and by whom are kept with the entry.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table specialists drop constraint specialists_status_check`);
  await knex.raw(
    `alter table specialists add constraint specialists_status_check check (status in ('active','suspended','excluded'))`,
  );
  await knex.schema.alterTable('specialists', (t) => {
    t.text('status_reason');
    t.timestamp('status_at', { useTz: true });
    t.bigInteger('status_by').references('persons.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`update specialists set status = 'active' where status = 'suspended'`);
  await knex.schema.alterTable('specialists', (t) => {
    t.dropColumn('status_by');
    t.dropColumn('status_at');
    t.dropColumn('status_reason');
  });
  await knex.raw(`alter table specialists drop constraint specialists_status_check`);
  await knex.raw(
    `alter table specialists add constraint specialists_status_check check (status in ('active','excluded'))`,
  );
}
