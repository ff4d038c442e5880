import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import type { FileStore, StoredFile } from '../files/index.js';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const NAME = /^[0-9a-f-]{36}\.(jpg|png|webp)$/;

/** Photos of goods in the file store (PostgreSQL), by generated names, written with their rows. */
export class PhotoStore {
  constructor(private readonly files: FileStore) {}

  /** Stores a checked upload under a fresh name, in the transaction of its row, and returns the name. */
  async save(tx: Knex.Transaction, file: UploadedFile, mime: string): Promise<string> {
    const ext = EXT[mime];
    if (!ext) throw new Error(`unsupported photo type ${mime}`);
    if (!file.path) throw new Error('the upload was not kept');
    const name = `${crypto.randomUUID()}.${ext}`;
    await this.files.put(tx, { path: file.path }, { name, contentType: mime });
    return name;
  }

  async remove(tx: Knex.Transaction, storedName: string): Promise<void> {
    if (NAME.test(storedName)) await this.files.remove(tx, storedName);
  }

  /** The stored photo to stream, or null. */
  async open(storedName: string): Promise<StoredFile | null> {
    return NAME.test(storedName) ? this.files.find(storedName) : null;
  }
}
