import type { Knex } from 'knex';

/**
 * A specialist's applications for inclusion in and exclusion from the registry, decided by an
 * administrator. At most one pending application of a type per person and kind.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('specialist_applications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('kind', 8).notNullable();
    t.string('type', 16).notNullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.string('region');
    t.string('locality');
    t.text('reason');
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true });
    t.bigInteger('decided_by').references('persons.id');
    t.text('decision_comment');
    t.index(['status', 'submitted_at']);
    t.index(['person_id']);
  });
  await knex.raw(
    `alter table specialist_applications add constraint specialist_applications_kind_check check (kind in ('UZHYA','UIP'))`,
  );
  await knex.raw(
    `alter table specialist_applications add constraint specialist_applications_type_check check (type in ('inclusion','exclusion'))`,
  );
  await knex.raw(
    `alter table specialist_applications add constraint specialist_applications_status_check check (status in ('pending','approved','rejected'))`,
  );
  await knex.raw(
    `create unique index specialist_applications_one_pending on specialist_applications (person_id, kind, type) where status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('specialist_applications');
}
