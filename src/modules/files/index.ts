import type { Knex } from 'knex';
import { PostgresFileStore } from './postgres-file-store.js';
import type { FileStore } from './file-store.js';

export type { FileSource, FileStore, StoredFile } from './file-store.js';
export { PostgresFileStore, CHUNK_BYTES } from './postgres-file-store.js';
export { importLegacyFiles, LEGACY_FILES } from './legacy-import.js';

/** The file store of the portal: PostgreSQL, the database every instance shares. */
export function createFileStore(db: Knex): FileStore {
  return new PostgresFileStore(db);
}
