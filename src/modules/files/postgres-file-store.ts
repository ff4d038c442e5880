import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { FileSource, FileStore, StoredFile } from './file-store.js';

/** Bytes per round trip, in and out: a file is never held whole in memory. */
export const CHUNK_BYTES = 256 * 1024;

interface Row {
  id: string | number;
  name: string;
  sha256: string;
  content_type: string;
  size: string | number;
  content: string | number;
  created_at: Date;
}

async function* chunksOf(source: FileSource): AsyncGenerator<Buffer> {
  if ('buffer' in source) {
    for (let at = 0; at < source.buffer.length; at += CHUNK_BYTES)
      yield source.buffer.subarray(at, at + CHUNK_BYTES);
    return;
  }
  for await (const chunk of fs.createReadStream(source.path, { highWaterMark: CHUNK_BYTES }))
    yield chunk as Buffer;
}

/**
 * The file store in PostgreSQL: a `stored_files` row per file, its bytes a large object written with
 * `lo_put` and read with `lo_get` one chunk at a time (server-side functions, so any connection of
 * the pool will do). The row's trigger unlinks the large object when the row is deleted.
 */
export class PostgresFileStore implements FileStore {
  constructor(private readonly db: Knex) {}

  async put(
    tx: Knex.Transaction,
    source: FileSource,
    meta: { name: string; contentType: string },
  ): Promise<Omit<StoredFile, 'read'>> {
    const created = await tx.raw<{ rows: { oid: string | number }[] }>('select lo_create(0) as oid');
    const oid = Number(created.rows[0]!.oid);
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const chunk of chunksOf(source)) {
      await tx.raw('select lo_put(?::oid, ?::bigint, ?::bytea)', [oid, size, chunk]);
      hash.update(chunk);
      size += chunk.length;
    }
    const [row] = (await tx('stored_files')
      .insert({
        name: meta.name,
        sha256: hash.digest('hex'),
        content_type: meta.contentType,
        size,
        content: oid,
      })
      .returning('*')) as Row[];
    const { read: _read, ...file } = this.view(row!);
    void _read;
    return file;
  }

  async find(name: string, db: Knex | Knex.Transaction = this.db): Promise<StoredFile | null> {
    const row = (await db('stored_files').where({ name }).first()) as Row | undefined;
    return row ? this.view(row) : null;
  }

  async readAll(name: string, db: Knex | Knex.Transaction = this.db): Promise<Buffer | null> {
    const f = await this.find(name, db);
    if (!f) return null;
    const parts: Buffer[] = [];
    for await (const chunk of f.read()) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  async remove(tx: Knex.Transaction, name: string): Promise<boolean> {
    return (await tx('stored_files').where({ name }).delete()) > 0;
  }

  private view(row: Row): StoredFile {
    const size = Number(row.size);
    const oid = Number(row.content);
    const db = this.db;
    return {
      id: Number(row.id),
      name: row.name,
      sha256: row.sha256,
      contentType: row.content_type,
      size,
      createdAt: row.created_at,
      read(range) {
        const start = range?.start ?? 0;
        const end = Math.min(range?.end ?? size - 1, size - 1);
        async function* chunks(): AsyncGenerator<Buffer> {
          for (let at = start; at <= end; at += CHUNK_BYTES) {
            const length = Math.min(CHUNK_BYTES, end - at + 1);
            const r = await db.raw<{ rows: { data: Buffer }[] }>(
              'select lo_get(?::oid, ?::bigint, ?::int) as data',
              [oid, at, length],
            );
            yield r.rows[0]!.data;
          }
        }
        return Readable.from(chunks(), { objectMode: false });
      },
    };
  }
}
