import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedDb } from './embedded.js';
import { createKnex } from './knex.js';
import { migrateLatest, runSeeds } from './migrator.js';
import { ensureDevPki } from '../eds/index.js';
import { ORGANISATIONS, PEOPLE } from '../devstand/people.js';

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

/** Migrations always; on the dev stand also the PKI and, on an empty database, the demo data. */
export async function prepareDatabase(config: Config, db: Knex, logger: Logger): Promise<void> {
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied: applied.length }, 'migrations applied');
  const seedDemo = config.SEED_DEMO_DATA ?? !config.isProduction;
  if (!config.isProduction) {
    const t = Date.now();
    const pki = await ensureDevPki(config.dataDir, { people: PEOPLE, organisations: ORGANISATIONS });
    logger.info({ ms: Date.now() - t, generated: pki.generated }, 'dev-stand PKI ready');
  }
  if (seedDemo) {
    const { count } = (await db('persons').count<{ count: number }[]>('* as count').first()) as {
      count: number;
    };
    if (Number(count) === 0) {
      const t = Date.now();
      const done = await db.transaction((tx) => runSeeds(tx));
      logger.info({ ms: Date.now() - t, seeds: done.length }, 'demo data seeded');
    }
  }
}
