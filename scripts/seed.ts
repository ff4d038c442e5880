/**
 * `npm run seed`: the migrations, then the dev stand's demo data (seeds/) into the configured database
 * (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR) when it has no people yet, as `npm start`
 * does on a first start. The dev stand's; not in the production build.
 */
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { prepareDatabase } from '../src/db/setup.js';
import { seedDemoData } from '../src/devstand/index.js';
import { openScriptDatabase } from './open-database.js';

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const database = await openScriptDatabase(config, logger);
try {
  await prepareDatabase(database.db, logger);
  if (!(await seedDemoData(database.db, logger)))
    console.log('the database has data already; nothing seeded');
} finally {
  await database.close();
}
