import crypto from 'node:crypto';
import { inject } from 'vitest';
import type { Knex } from 'knex';
import type { Express } from 'express';
import { createKnex } from '../../src/db/knex.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildServices, type Services } from '../../src/modules/index.js';
import { createApp } from '../../src/app.js';
import { createDevStand, type DevStand } from '../../src/devstand/index.js';
import { ControllableClock } from '../../src/lib/clock.js';
import { withDatabase } from './global-setup.js';

export interface TestContext {
  config: Config;
  db: Knex;
  services: Services;
  /** the dev stand installed as server.ts installs it outside production */
  devStand: DevStand;
  app: Express;
  clock: ControllableClock;
  dataDir: string;
  databaseUrl: string;
  close: () => Promise<void>;
}

/**
 * A fresh database cloned from the migrated and seeded template, the app built on it with a
 * controllable clock and the dev stand (on the run's dev-stand PKI). Each test file gets its own.
 */
export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const adminUrl = inject('adminDatabaseUrl');
  const template = inject('templateDatabase');
  const dataDir = inject('dataDir');
  const name = `portal_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = createKnex(adminUrl, 1);
  await admin.raw(`create database ${name} template ${template}`);
  await admin.destroy();
  const databaseUrl = withDatabase(adminUrl, name);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RUN_JOBS: 'false',
    LOGIN_RATE_LIMIT: '1000',
    LOGIN_CERT_RATE_LIMIT: '1000',
    SIGNED_RATE_LIMIT: '100000',
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const db = createKnex(databaseUrl, 10);
  const clock = new ControllableClock();
  const devStand = createDevStand(config, db, logger);
  const services = buildServices(config, db, logger, { clock, devStand });
  const app = createApp(services, devStand.web);
  return {
    config,
    db,
    services,
    devStand,
    app,
    clock,
    dataDir,
    databaseUrl,
    close: async () => {
      await services.chat.conversations.stop();
      const pool = app.locals.sessionPool as { end: () => Promise<void> };
      await pool.end();
      await db.destroy();
      const a = createKnex(adminUrl, 1);
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}

/**
 * A production configuration on the test's database: real secrets and gateway addresses that lead
 * nowhere (nothing here calls them); `without` drops variables to see production refuse to start.
 */
export function productionConfig(ctx: TestContext, without: string[] = []): Config {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    SESSION_SECRET: 'x'.repeat(40),
    BASE_URL: 'https://portal.example',
    EDS_TRUST_ANCHORS: '/dev/null',
    PERSON_REGISTRY_URL: 'http://127.0.0.1:9/registry',
    MOBILE_BASE_URL: 'http://127.0.0.1:9/bmg',
    SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms',
    ESOBES_URL: 'http://127.0.0.1:9/esobes',
    GUARDIANSHIP_REGISTRY_URL: 'http://127.0.0.1:9/guardianships',
    DATA_DIR: ctx.dataDir,
    LOG_LEVEL: 'silent',
  };
  for (const k of without) delete env[k];
  return loadConfig(env);
}
