import type { Knex } from 'knex';

/**
 * Reaching everyone (rules, item 9): a notice that cannot go out because the person has no phone in
 * the БМГ is recorded for the local executive body of the person's region, whose employees
 * (`local_executive`, bound to one region) tell the person by other means and mark it done.
 */
export async function up(knex: Knex): Promise<void> {
  await setRoles(knex, (roles) => [...new Set([...roles, 'local_executive'])]);

  await knex.schema.createTable('local_executive_regions', (t) => {
    t.bigInteger('person_id').primary().references('persons.id').onDelete('CASCADE');
    t.string('region').notNullable();
    t.bigInteger('granted_by').references('persons.id');
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('unreachable_notices', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('persons.id').onDelete('CASCADE');
    t.string('region').notNullable();
    t.string('notice_key').notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.string('idempotency_key').notNullable().unique();
    t.string('object_type');
    t.bigInteger('object_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('notified_at', { useTz: true });
    t.string('notified_method', 16);
    t.text('notified_note');
    t.bigInteger('notified_by').references('persons.id');
    t.index(['region', 'notified_at']);
    t.index(['person_id']);
  });
  await knex.raw(
    `alter table unreachable_notices add constraint unreachable_notices_method_check
       check (notified_method is null or notified_method in ('visit','landline','letter','other'))`,
  );
  await knex.raw(
    `alter table unreachable_notices add constraint unreachable_notices_notified_check
       check ((notified_at is null) = (notified_method is null) and (notified_at is null) = (notified_by is null))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('unreachable_notices');
  await knex.schema.dropTable('local_executive_regions');
  await knex('person_roles').where({ role: 'local_executive' }).delete();
  await setRoles(knex, (roles) => roles.filter((r) => r !== 'local_executive'));
}

/** Rewrites the role check from its current list (other migrations may have added roles of their own). */
async function setRoles(knex: Knex, change: (roles: string[]) => string[]): Promise<void> {
  const row = (
    await knex.raw<{ rows: { def: string }[] }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'person_roles_role_check'`,
    )
  ).rows[0];
  const roles = row ? [...row.def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!) : [];
  const list = change(roles)
    .map((r) => `'${r}'`)
    .join(',');
  await knex.raw('alter table person_roles drop constraint if exists person_roles_role_check');
  await knex.raw(`alter table person_roles add constraint person_roles_role_check check (role in (${list}))`);
}
