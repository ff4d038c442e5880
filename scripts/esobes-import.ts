/**
 * `npm run esobes:import FILE`: imports an IPR batch from АИС «Е-Собес» (the JSON the
 * `POST /api/esobes/ipr` endpoint takes) through the same service. Prints the result as JSON;
 * exits 1 when the batch is refused (nothing is stored then), 2 on a usage error.
 *
 * The database: DATABASE_URL, or the dev stand's embedded PostgreSQL under DATA_DIR (joined while
 * the portal runs, started otherwise).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createKnex } from '../src/db/knex.js';
import { openDatabase } from '../src/db/setup.js';
import { migrationsCurrent } from '../src/db/migrator.js';
import { buildServices } from '../src/modules/index.js';
import { ImportRejected } from '../src/modules/entitlements/index.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

async function open(config: Config, logger: Logger) {
  const url = config.DATABASE_URL ?? runningEmbeddedUrl(config);
  if (url) {
    const db = createKnex(url, 2);
    return { db, close: () => db.destroy() };
  }
  return openDatabase(config, logger);
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run esobes:import FILE.json');
    return 2;
  }
  let batch: unknown;
  try {
    batch = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
  } catch (err) {
    console.error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = await open(config, logger);
  try {
    if (!(await migrationsCurrent(database.db))) {
      console.error('migrations are not current; run `npm run migrate` first');
      return 2;
    }
    // the trust store is not needed to import; a stub keeps the CLI independent of the PKI
    const services = buildServices(config, database.db, logger, { trust: {} as never });
    try {
      const result = await services.entitlements.importIprs(batch);
      console.log(JSON.stringify({ ok: true, ...result }, null, 2));
      return 0;
    } catch (err) {
      if (err instanceof ImportRejected) {
        console.log(JSON.stringify({ ok: false, error: 'validation', fields: err.fields }, null, 2));
        return 1;
      }
      throw err;
    }
  } finally {
    await database.close();
  }
}

const code = await main();
// exit explicitly (tsx does not pass process.exitCode on), once stdout is flushed
process.stdout.write('', () => process.exit(code));
