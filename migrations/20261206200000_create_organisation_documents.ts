import type { Knex } from 'knex';

/**
 * Documents of an organisation's offer (rules item 13): licences, certificates, attestations. The file
 * lives under DATA_DIR/uploads/documents/<stored_name>; its type is read from the content. A document
 * belongs to the organisation and optionally to one article of its catalogue.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organisation_documents', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id').notNullable().references('organisations.id');
    t.bigInteger('goods_id').references('goods.id').onDelete('SET NULL');
    t.string('doc_type', 16).notNullable();
    t.string('title').notNullable();
    t.string('number').notNullable();
    t.string('issued_by').notNullable().defaultTo('');
    t.date('valid_from').notNullable();
    t.date('valid_until');
    t.string('stored_name').notNullable().unique();
    t.string('content_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.bigInteger('uploaded_by').notNullable().references('persons.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
    t.index(['goods_id']);
  });
  await knex.raw(
    `alter table organisation_documents add constraint organisation_documents_type check (doc_type in ('licence','certificate','attestation','other'))`,
  );
  await knex.raw(
    `alter table organisation_documents add constraint organisation_documents_content check (content_type in ('application/pdf','image/jpeg','image/png'))`,
  );
  await knex.raw(
    `alter table organisation_documents add constraint organisation_documents_size check (size_bytes > 0 and size_bytes <= 10485760)`,
  );
  await knex.raw(
    `alter table organisation_documents add constraint organisation_documents_validity check (valid_until is null or valid_until >= valid_from)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('organisation_documents');
}
