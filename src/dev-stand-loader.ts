/**
 * How the entry points (server, worker, scripts) reach the dev stand (src/devstand): outside
 * production only, through a dynamic import of its entry, src/devstand/index.ts, by a path computed at
 * run time. Nothing in production code imports src/devstand statically (eslint forbids it), so the
 * production build (tsconfig.build.json) compiles none of it and production never loads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { DevStandServices } from './modules/dev-stand-port.js';
import type { DevStandWeb } from './web/dev-stand.js';

/** The plug-in: its adapters, trust store and mailbox for buildServices, its web part for createApp. */
export interface DevStand extends DevStandServices {
  web: DevStandWeb;
}

/** How the start installs the dev stand. */
export interface DevStandInstallOptions {
  /**
   * the demo people's key files made after the portal listens (`npm start`): the trust anchors are in
   * place before, the start page lists the people at once and a key download waits for its file
   */
  keysInBackground?: boolean;
}

/** What src/devstand/index.ts exports as `entry`. */
export interface DevStandEntry {
  /** the parts, over a prepared database and PKI */
  createDevStand(config: Config, db: Knex, logger: Logger): DevStand;
  /** the PKI and (SEED_DEMO_DATA) the demo data, then the parts */
  installDevStand(config: Config, db: Knex, logger: Logger, opts?: DevStandInstallOptions): Promise<DevStand>;
  /** the demo data into an empty database (false: it had data) */
  seedDemoData(db: Knex, logger: Logger): Promise<boolean>;
}

/** The dev stand's entry module; an error naming the way out when this build has none. */
export async function devStandEntry(): Promise<DevStandEntry> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'devstand');
  const file = ['index.js', 'index.ts'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error(
      'this build has no dev stand (src/devstand, seeds/), which runs outside production and seeds ' +
        'the demo data (SEED_DEMO_DATA): build with `npm run build:devstand`',
    );
  }
  return ((await import(pathToFileURL(file).href)) as { entry: DevStandEntry }).entry;
}

/** Outside production the dev stand's parts over the PKI and data the portal's start made (worker, scripts). */
export async function joinDevStand(config: Config, db: Knex, logger: Logger): Promise<DevStand | null> {
  return config.isProduction ? null : (await devStandEntry()).createDevStand(config, db, logger);
}

/**
 * At start, after the migrations: outside production the dev stand prepared (PKI, demo data) and
 * installed; in production none (SEED_DEMO_DATA=true there seeds the demo data, from a build that has
 * them).
 */
export async function installDevStand(
  config: Config,
  db: Knex,
  logger: Logger,
  opts: DevStandInstallOptions = {},
): Promise<DevStand | null> {
  if (!config.isProduction) return (await devStandEntry()).installDevStand(config, db, logger, opts);
  if (config.seedDemoData) await (await devStandEntry()).seedDemoData(db, logger);
  return null;
}
