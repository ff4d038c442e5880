import type { Knex } from 'knex';

/**
 * An organisation runs its own staff: a grant to act for it is active or suspended, may make its
 * holder an administrator of the organisation's staff (`org_admin`), and every change is kept in
 * `staff_changes` with the signed document it was made with.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('person_roles', (t) => {
    t.string('status', 16).notNullable().defaultTo('active');
    t.boolean('org_admin').notNullable().defaultTo(false);
    t.timestamp('status_at', { useTz: true });
  });
  await knex.raw(
    `alter table person_roles add constraint person_roles_status_check check (status in ('active','suspended'))`,
  );
  await knex.raw(
    `alter table person_roles add constraint person_roles_org_admin_check check (not org_admin or organisation_id is not null)`,
  );
  await knex.schema.createTable('staff_changes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('action', 16).notNullable();
    t.string('role', 16).notNullable();
    t.boolean('org_admin').notNullable().defaultTo(false);
    t.text('reason');
    t.bigInteger('by_person_id').references('persons.id');
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['organisation_id', 'at']);
  });
  await knex.raw(
    `alter table staff_changes add constraint staff_changes_action_check check (action in ('added','suspended','resumed','removed'))`,
  );
  // the seeded employees administer their organisation's staff (the demo heads' delegates)
  await knex.raw(
    `update person_roles set org_admin = true where role = 'employee' and organisation_id is not null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staff_changes');
  await knex.raw(`alter table person_roles drop constraint person_roles_org_admin_check`);
  await knex.raw(`alter table person_roles drop constraint person_roles_status_check`);
  await knex.schema.alterTable('person_roles', (t) => {
    t.dropColumn('status_at');
    t.dropColumn('org_admin');
    t.dropColumn('status');
  });
}
