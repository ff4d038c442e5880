import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { moveInto, type UploadedFile } from '../../lib/uploaded-file.js';
import type { DocMime } from './rules.js';

const EXT: Record<DocMime, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** Organisations' documents on disk, outside public/: DATA_DIR/uploads/documents/<random name>. */
export class DocumentStore {
  constructor(public readonly dir: string) {}

  pathOf(storedName: string): string {
    if (!/^[0-9a-f-]{36}\.(pdf|jpg|png)$/.test(storedName)) throw new Error('bad stored document name');
    return path.join(this.dir, storedName);
  }

  /** Moves a checked upload in under a fresh name (never overwrites) and returns the name. */
  async save(file: UploadedFile, mime: DocMime): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const name = `${crypto.randomUUID()}.${EXT[mime]}`;
    await moveInto(file, this.pathOf(name), 0o640);
    return name;
  }

  async remove(storedName: string): Promise<void> {
    await fs.rm(this.pathOf(storedName), { force: true });
  }

  /** The file name a download is offered under: the document's type and number, the stored extension. */
  static downloadName(d: { doc_type: string; number: string; stored_name: string }): string {
    const ext = d.stored_name.split('.').pop() ?? 'bin';
    const safe = d.number.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 60) || 'document';
    return `${d.doc_type}-${safe}.${ext}`;
  }
}
