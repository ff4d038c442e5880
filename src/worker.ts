import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase } from './db/setup.js';
import { migrationsCurrent } from './db/migrator.js';
import { buildServices } from './modules/index.js';
import { createTrustStore } from './modules/signing/signing-service.js';
import { startJobs } from './jobs/index.js';
import { joinDevStand } from './dev-stand-loader.js';

/** `npm run worker`: the background jobs alone, for deployments that scale web and workers apart. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.DATABASE_URL) {
    console.error('The worker needs DATABASE_URL (the database of the running portal).');
    process.exit(1);
  }
  const database = await openDatabase(config, logger);
  if (!(await migrationsCurrent(database.db))) {
    logger.fatal('migrations are not current; run `npm run migrate` first');
    process.exit(1);
  }
  // outside production the dev stand's adapters and trust store (the portal made its PKI)
  const devStand = await joinDevStand(config, database.db, logger);
  const trust = devStand ? devStand.trust : await createTrustStore(config, logger);
  const services = buildServices(config, database.db, logger, { trust, devStand });
  const jobs = await startJobs(services, database.url);
  const stop = async () => {
    await jobs.stop();
    await database.close();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
