import type { Knex } from 'knex';

/**
 * Sign requests (a document issued for one actor and one purpose, consumed once) and the signed
 * documents kept verbatim as evidence. Signed documents cannot be changed or deleted: a trigger refuses it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_requests', (t) => {
    t.uuid('id').primary();
    t.string('kind').notNullable();
    t.string('purpose').notNullable();
    t.string('key_type', 4).notNullable();
    t.bigInteger('actor_id').references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.string('object_type');
    t.string('object_id');
    t.integer('object_version');
    t.text('xml').notNullable();
    t.string('xml_sha256', 64).notNullable();
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('consumed_at', { useTz: true });
    t.index(['actor_id', 'created_at']);
  });
  await knex.raw(
    `alter table sign_requests add constraint sign_requests_key_type check (key_type in ('AUTH','SIGN'))`,
  );

  await knex.schema.createTable('signed_documents', (t) => {
    t.bigIncrements('id');
    t.uuid('sign_request_id').notNullable().unique().references('sign_requests.id');
    t.string('kind').notNullable();
    t.string('purpose').notNullable();
    t.bigInteger('signer_id').references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.string('signer_iin', 12).notNullable();
    t.string('signer_bin', 12);
    t.string('signer_name').notNullable();
    t.string('cert_serial').notNullable();
    t.string('cert_issuer').notNullable();
    t.string('cert_subject').notNullable();
    t.timestamp('cert_not_before', { useTz: true }).notNullable();
    t.timestamp('cert_not_after', { useTz: true }).notNullable();
    t.string('cert_fingerprint', 128).notNullable();
    t.string('object_type');
    t.string('object_id');
    t.text('signed_xml').notNullable();
    t.string('signed_xml_sha256', 64).notNullable();
    t.jsonb('verification').notNullable();
    t.timestamp('signed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['object_type', 'object_id']);
    t.index(['signer_id', 'signed_at']);
    t.index(['principal_id', 'signed_at']);
  });
  await knex.raw(`
    create function signed_documents_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'signed documents cannot be changed or deleted' using errcode = 'P0001';
    end $$;
  `);
  await knex.raw(`
    create trigger signed_documents_no_update before update or delete on signed_documents
    for each row execute function signed_documents_immutable();
  `);
  await knex.raw(`
    create trigger signed_documents_no_truncate before truncate on signed_documents
    for each statement execute function signed_documents_immutable();
  `);

  await knex.schema.createTable('reverifications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('signed_document_id').notNullable().references('signed_documents.id');
    t.bigInteger('requested_by').references('persons.id');
    t.boolean('ok').notNullable();
    t.jsonb('result').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reverifications');
  await knex.raw('drop trigger if exists signed_documents_no_truncate on signed_documents');
  await knex.raw('drop trigger if exists signed_documents_no_update on signed_documents');
  await knex.schema.dropTable('signed_documents');
  await knex.raw('drop function if exists signed_documents_immutable()');
  await knex.schema.dropTable('sign_requests');
}
