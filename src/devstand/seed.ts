import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { CODE_DIR } from '../config.js';
import { listModules } from '../db/migrator.js';
import type { Logger } from '../logger.js';

/** The demo data: every module of seeds/ in file order, on the given connection or transaction. */
export async function runSeeds(db: Knex): Promise<string[]> {
  const dir = path.join(CODE_DIR, 'seeds');
  const done: string[] = [];
  for (const file of listModules(dir)) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      seed: (k: Knex) => Promise<void>;
    };
    await mod.seed(db);
    done.push(file);
  }
  return done;
}

/** The demo data into an empty database (no persons yet), in one transaction; else nothing (false). */
export async function seedDemoData(db: Knex, logger: Logger): Promise<boolean> {
  const { count } = (await db('persons').count<{ count: number }[]>('* as count').first()) as {
    count: number;
  };
  if (Number(count) !== 0) return false;
  const t = Date.now();
  const done = await db.transaction((tx) => runSeeds(tx));
  logger.info({ ms: Date.now() - t, seeds: done.length }, 'demo data seeded');
  return true;
}
