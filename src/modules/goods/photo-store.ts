import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Photos of goods on disk, outside public/: DATA_DIR/uploads/goods/<random name>. */
export class PhotoStore {
  constructor(public readonly dir: string) {}

  pathOf(storedName: string): string {
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(storedName)) throw new Error('bad stored photo name');
    return path.join(this.dir, storedName);
  }

  /** Writes a new file under a fresh name (never overwrites) and returns the name. */
  async save(data: Buffer, mime: string): Promise<string> {
    const ext = EXT[mime];
    if (!ext) throw new Error(`unsupported photo type ${mime}`);
    await fs.mkdir(this.dir, { recursive: true });
    const name = `${crypto.randomUUID()}.${ext}`;
    await fs.writeFile(this.pathOf(name), data, { flag: 'wx', mode: 0o640 });
    return name;
  }

  async remove(storedName: string): Promise<void> {
    await fs.rm(this.pathOf(storedName), { force: true });
  }
}
