import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openDatabase, prepareDatabase } from '../src/db/setup.js';
import { installDevStand } from '../src/dev-stand-loader.js';

/** `npm run migrate`: migrations (and, on the dev stand, the PKI and demo data), then exit. */
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const database = await openDatabase(config, logger);
try {
  await prepareDatabase(database.db, logger);
  await installDevStand(config, database.db, logger);
} finally {
  await database.close();
}
