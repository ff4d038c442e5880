import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { inTransaction } from '../../db/knex.js';
import type { FileStore, StoredFile } from '../files/index.js';
import type { DocMime } from './rules.js';

const EXT: Record<DocMime, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
const NAME = /^[0-9a-f-]{36}\.(pdf|jpg|png)$/;

/**
 * Organisations' documents in the file store (PostgreSQL), by generated names. `save` and `remove`
 * take the transaction of the row that names the file, so the file and its row exist together;
 * without one they run in their own.
 */
export class DocumentStore {
  constructor(
    private readonly files: FileStore,
    private readonly db: Knex,
  ) {}

  /** Stores a checked upload under a fresh name and returns the name. */
  async save(file: UploadedFile, mime: DocMime, tx?: Knex.Transaction): Promise<string> {
    if (!file.path) throw new Error('the upload was not kept');
    const name = `${crypto.randomUUID()}.${EXT[mime]}`;
    const put = (t: Knex.Transaction) => this.files.put(t, { path: file.path! }, { name, contentType: mime });
    await (tx ? put(tx) : inTransaction(this.db, put));
    return name;
  }

  async remove(storedName: string, tx?: Knex.Transaction): Promise<void> {
    if (!NAME.test(storedName)) return;
    const rm = (t: Knex.Transaction) => this.files.remove(t, storedName);
    await (tx ? rm(tx) : inTransaction(this.db, rm));
  }

  /** The stored file to stream, or null (a name this store could not have made, or none stored). */
  async open(storedName: string): Promise<StoredFile | null> {
    return NAME.test(storedName) ? this.files.find(storedName) : null;
  }

  /** The file name a download is offered under: the document's type and number, the stored extension. */
  static downloadName(d: { doc_type: string; number: string; stored_name: string }): string {
    const ext = d.stored_name.split('.').pop() ?? 'bin';
    const safe = d.number.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 60) || 'document';
    return `${d.doc_type}-${safe}.${ext}`;
  }
}
