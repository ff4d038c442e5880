import type { Knex } from 'knex';

/** The history of bed-count changes per department: who, when, from what to what, why, and the signature. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('msu_bed_changes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('department_id').notNullable().references('msu_departments.id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.bigInteger('actor_id').references('persons.id');
    t.bigInteger('organisation_id').references('organisations.id');
    t.string('source').notNullable();
    t.integer('old_total').notNullable();
    t.integer('new_total').notNullable();
    t.integer('old_free').notNullable();
    t.integer('new_free').notNullable();
    t.integer('offered').notNullable().defaultTo(0);
    t.text('reason').notNullable();
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.index(['department_id', 'at']);
  });
  await knex.raw(
    `alter table msu_bed_changes add constraint msu_bed_changes_source check (source in ('institution','admin'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('msu_bed_changes');
}
