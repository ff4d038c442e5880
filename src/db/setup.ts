import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedDb } from './embedded.js';
import { createKnex } from './knex.js';
import { migrateLatest } from './migrator.js';

export interface Database {
  db: Knex;
  url: string;
  embedded: EmbeddedDb | null;
  close: () => Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL under DATA_DIR/pg. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDb | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    const t = Date.now();
    embedded = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'pg'),
      log: (msg) => logger.warn(msg),
    });
    url = embedded.url;
    logger.info({ ms: Date.now() - t }, 'embedded PostgreSQL started on 127.0.0.1');
  }
  const db = createKnex(url, config.DATABASE_POOL_MAX);
  return {
    db,
    url,
    embedded,
    close: async () => {
      await db.destroy();
      if (embedded) await embedded.stop();
    },
  };
}

/** The migrations. (Outside production the dev stand then makes its PKI and seeds the demo data.) */
export async function prepareDatabase(db: Knex, logger: Logger): Promise<void> {
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied: applied.length }, 'migrations applied');
}
