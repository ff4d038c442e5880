import type { Readable } from 'node:stream';
import type { Knex } from 'knex';

/** A stored file as a download sees it; `read` streams its bytes (or a range of them) on demand. */
export interface StoredFile {
  id: number;
  name: string;
  sha256: string;
  contentType: string;
  size: number;
  createdAt: Date;
  /** the bytes from `start` to `end` inclusive (the whole file by default), in chunks */
  read(range?: { start: number; end: number }): Readable;
}

/** What to store: a file on disk (an upload waiting in its temporary file) or bytes in memory. */
export type FileSource = { path: string } | { buffer: Buffer };

/**
 * The file store port: uploaded and generated files by name. A file is written with `put` in the
 * transaction of the row that refers to it (so both exist or neither), and removed with `remove` in
 * the transaction that deletes the row. The default adapter keeps them in PostgreSQL
 * (`PostgresFileStore`); any instance on the database serves any file.
 */
export interface FileStore {
  put(
    tx: Knex.Transaction,
    source: FileSource,
    meta: { name: string; contentType: string },
  ): Promise<Omit<StoredFile, 'read'>>;
  /** the file of this name, or null */
  find(name: string, db?: Knex | Knex.Transaction): Promise<StoredFile | null>;
  /** the whole content, for the small files a service checks or sends whole; null when absent */
  readAll(name: string, db?: Knex | Knex.Transaction): Promise<Buffer | null>;
  /** removes the file (nothing when absent); true when there was one */
  remove(tx: Knex.Transaction, name: string): Promise<boolean>;
}
