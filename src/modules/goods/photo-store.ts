import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { moveInto, type UploadedFile } from '../../lib/uploaded-file.js';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Photos of goods on disk, outside public/: DATA_DIR/uploads/goods/<random name>. */
export class PhotoStore {
  constructor(public readonly dir: string) {}

  pathOf(storedName: string): string {
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(storedName)) throw new Error('bad stored photo name');
    return path.join(this.dir, storedName);
  }

  /** Moves a checked upload in under a fresh name (never overwrites) and returns the name. */
  async save(file: UploadedFile, mime: string): Promise<string> {
    const ext = EXT[mime];
    if (!ext) throw new Error(`unsupported photo type ${mime}`);
    await fs.mkdir(this.dir, { recursive: true });
    const name = `${crypto.randomUUID()}.${ext}`;
    await moveInto(file, this.pathOf(name), 0o640);
    return name;
  }

  async remove(storedName: string): Promise<void> {
    await fs.rm(this.pathOf(storedName), { force: true });
  }
}
