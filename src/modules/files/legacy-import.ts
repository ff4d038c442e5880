import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../../logger.js';
import { inTransaction } from '../../db/knex.js';
import type { FileStore } from './file-store.js';

/**
 * Where each kind of file lived under DATA_DIR before the file store, and the rows naming them:
 * `name` is the column holding the stored name (also the name in `stored_files`), `type` its type.
 */
export const LEGACY_FILES = [
  { table: 'goods_photos', name: 'stored_name', type: 'content_type', dir: 'uploads/goods' },
  { table: 'organisation_documents', name: 'stored_name', type: 'content_type', dir: 'uploads/documents' },
  { table: 'content_media', name: 'file_name', type: 'mime', dir: 'uploads/media' },
  { table: 'support_attachments', name: 'file_name', type: 'mime', dir: 'uploads/support' },
  // scanned acts kept their path relative to DATA_DIR
  { table: 'service_acts', name: 'file_path', type: 'file_mime', dir: '' },
] as const;

/**
 * Copies the files that were kept under DATA_DIR into the file store, once: every row naming a file
 * that the store does not have yet gets it from disk (each in its own transaction, so a second
 * instance starting at the same time only skips it), and the copied file is then deleted from disk.
 * A row whose file is missing on disk is logged and left (its download answers 404, as before).
 * Cheap when everything is in: one query per kind.
 */
export async function importLegacyFiles(
  db: Knex,
  files: FileStore,
  dataDir: string,
  logger: Logger,
): Promise<{ imported: number; missing: number }> {
  let imported = 0;
  let missing = 0;
  const root = path.resolve(dataDir);
  for (const kind of LEGACY_FILES) {
    const rows = (await db(kind.table)
      .whereNotNull(kind.name)
      .whereNotExists(db('stored_files').whereRaw(`stored_files.name = ${kind.table}.${kind.name}`))
      .select({ name: kind.name, type: kind.type })) as { name: string; type: string | null }[];
    for (const row of rows) {
      const abs = path.resolve(root, kind.dir, row.name);
      if (!abs.startsWith(root + path.sep) || !fs.existsSync(abs)) {
        missing++;
        logger.warn({ table: kind.table, name: row.name }, 'a stored file is missing on disk');
        continue;
      }
      const done = await inTransaction(db, async (tx) => {
        // another instance may be importing the same file: the first one wins, the other skips it
        await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [`stored_files:${row.name}`]);
        if (await tx('stored_files').where({ name: row.name }).first()) return false;
        await files.put(
          tx,
          { path: abs },
          {
            name: row.name,
            contentType: row.type ?? 'application/octet-stream',
          },
        );
        return true;
      });
      if (done) imported++;
      fs.rmSync(abs, { force: true });
    }
  }
  if (imported || missing) logger.info({ imported, missing }, 'files under DATA_DIR moved into the database');
  return { imported, missing };
}
