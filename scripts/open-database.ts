import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { createKnex } from '../src/db/knex.js';
import { openDatabase } from '../src/db/setup.js';
import { pidAlive } from '../src/db/embedded.js';

/** The running dev stand's embedded PostgreSQL (never start a second server on its folder). */
function runningEmbeddedUrl(config: Config): string | null {
  const dir = path.join(config.dataDir, 'pg');
  const pidFile = path.join(dir, 'postmaster.pid');
  const secretFile = `${dir}.secret.json`;
  if (!fs.existsSync(pidFile) || !fs.existsSync(secretFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  const secret = JSON.parse(fs.readFileSync(secretFile, 'utf8')) as { password: string; port: number };
  return `postgres://postgres:${encodeURIComponent(secret.password)}@127.0.0.1:${secret.port}/portal`;
}

/**
 * The database of a script: DATABASE_URL, or the running dev stand's embedded PostgreSQL (joined), or
 * that one started under DATA_DIR when the portal is not running.
 */
export async function openScriptDatabase(config: Config, logger: Logger) {
  const url = config.DATABASE_URL ?? runningEmbeddedUrl(config);
  if (url) {
    const db = createKnex(url, 2);
    return { db, close: () => db.destroy() };
  }
  return openDatabase(config, logger);
}
