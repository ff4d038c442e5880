import type { Knex } from 'knex';

/**
 * An organisation's standing on the portal: active, suspended (takes no new orders, existing ones go
 * on) or excluded (final), with the administrator's reason, when and by whom. The former `active`
 * flag becomes a column computed from the status, so readers of it keep working.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organisations', (t) => {
    t.string('status', 16).notNullable().defaultTo('active');
    t.text('status_reason');
    t.timestamp('status_at', { useTz: true });
    t.bigInteger('status_by').references('persons.id');
  });
  await knex.raw(`update organisations set status = case when active then 'active' else 'suspended' end`);
  await knex.raw(
    `alter table organisations add constraint organisations_status_check check (status in ('active','suspended','excluded'))`,
  );
  await knex.raw(`alter table organisations drop column active`);
  await knex.raw(
    `alter table organisations add column active boolean generated always as (status = 'active') stored`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table organisations drop column active`);
  await knex.raw(`alter table organisations add column active boolean not null default true`);
  await knex.raw(`update organisations set active = (status = 'active')`);
  await knex.schema.alterTable('organisations', (t) => {
    t.dropColumn('status_by');
    t.dropColumn('status_at');
    t.dropColumn('status_reason');
    t.dropColumn('status');
  });
}
