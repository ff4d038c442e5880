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
import { createLogger } from '../src/logger.js';
import { openScriptDatabase } from './open-database.js';
import { migrationsCurrent } from '../src/db/migrator.js';
import { buildServices } from '../src/modules/index.js';
import { joinDevStand } from '../src/dev-stand-loader.js';
import { ImportRejected } from '../src/modules/entitlements/index.js';

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
  const database = await openScriptDatabase(config, logger);
  try {
    if (!(await migrationsCurrent(database.db))) {
      console.error('migrations are not current; run `npm run migrate` first');
      return 2;
    }
    // the trust store is not needed to import; a stub keeps the CLI independent of the PKI
    // outside production the dev stand's adapters (its registries answer for the demo people)
    const devStand = await joinDevStand(config, database.db, logger);
    const services = buildServices(config, database.db, logger, { trust: {} as never, devStand });
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
