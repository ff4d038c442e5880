import type { Knex } from 'knex';

/**
 * Uploaded and generated files live in the database, so that any instance serves them and a database
 * backup is a backup of everything. A row names one file (`name`: the generated name the referring
 * rows already hold, e.g. `organisation_documents.stored_name`); its bytes are a PostgreSQL large
 * object (`content`), written and read in chunks, so no file is ever held whole in memory. Deleting
 * the row unlinks the large object in the same transaction. Files that were under DATA_DIR before
 * are copied in once at start (`importLegacyFiles`, src/modules/files/legacy-import.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table stored_files (
      id bigserial primary key,
      name text not null unique check (length(name) between 1 and 200),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content_type text not null,
      size bigint not null check (size >= 0),
      content oid not null,
      created_at timestamptz not null default now()
    )
  `);
  await knex.raw(`
    create function stored_files_unlink() returns trigger language plpgsql as $$
    begin
      perform lo_unlink(old.content);
      return old;
    end $$
  `);
  await knex.raw(`
    create trigger stored_files_unlink after delete on stored_files
      for each row execute function stored_files_unlink()
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('select lo_unlink(content) from stored_files');
  await knex.raw('drop trigger stored_files_unlink on stored_files');
  await knex.raw('drop table stored_files');
  await knex.raw('drop function stored_files_unlink()');
}
