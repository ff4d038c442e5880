/**
 * `npm start`'s dev stand: installed with its demo keys made in the background, the portal serves at
 * once. The trust store reads the final anchors before the keys exist; the start page lists every
 * demo person with their key links from the first request; a download waits for its file; the log
 * names both moments.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createKnex } from '../../../src/db/knex.js';
import { installDevStand, type DevStand } from '../../../src/devstand/index.js';
import { PEOPLE } from '../../../src/devstand/people.js';
import { BAD_KEYS, devPkiPaths, loadManifest } from '../../../src/devstand/pki.js';
import { createLogger } from '../../../src/logger.js';
import { buildServices, type Services } from '../../../src/modules/index.js';
import { withDatabase } from '../../support/global-setup.js';

const adminUrl = inject('adminDatabaseUrl');
const name = `portal_test_${crypto.randomBytes(6).toString('hex')}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devstand-start-'));
const logs: Array<{ msg: string; ms?: number }> = [];
let db: Knex;
let services: Services;
let devStand: DevStand;
let app: Express;

beforeAll(async () => {
  const admin = createKnex(adminUrl, 1);
  await admin.raw(`create database ${name} template ${inject('templateDatabase')}`);
  await admin.destroy();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: withDatabase(adminUrl, name),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    RUN_JOBS: 'false',
  });
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  db = createKnex(config.DATABASE_URL!, 5);
  devStand = await installDevStand(config, db, logger, { keysInBackground: true });
  services = buildServices(config, db, logger, { devStand });
  app = createApp(services, devStand.web);
}, 120_000);

afterAll(async () => {
  await services?.chat.conversations.stop();
  await (app?.locals.sessionPool as { end: () => Promise<void> } | undefined)?.end();
  await db?.destroy();
  const a = createKnex(adminUrl, 1);
  await a.raw(`drop database if exists ${name} with (force)`);
  await a.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const links = (html: string) => [...html.matchAll(/href="\/dev\/keys\/([^"]+\.p12)"/g)].map((m) => m[1]!);

describe('npm start’s dev stand with its demo keys made in the background', () => {
  it('serves the full list at once, waits for a key file, and never changes the CA', async () => {
    const p = devPkiPaths(dataDir);
    // installed: the anchors are there and read; the keys are still being made
    expect(fs.existsSync(p.manifest)).toBe(false);
    expect(logs.map((l) => l.msg)).toContain('dev-stand PKI ready');
    expect(logs.map((l) => l.msg)).not.toContain('dev-stand demo keys ready');
    const ca = fs.readFileSync(p.ca, 'utf8');
    expect(devStand.trust.health().ok).toBe(true);

    const home = await request(app).get('/').expect(200);
    const first = links(home.text);
    expect(fs.existsSync(p.manifest)).toBe(false);
    expect(first).toHaveLength(2 * (PEOPLE.length + BAD_KEYS.length));

    const res = await request(app).get(`/dev/keys/${first[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('.p12');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(1000);

    // the keys are there, the manifest's list is the one served before, the CA the one read before
    expect(links((await request(app).get('/').expect(200)).text)).toEqual(first);
    expect(loadManifest(dataDir).flatMap((e) => [e.auth, e.sign])).toEqual(first);
    expect(fs.readFileSync(p.ca, 'utf8')).toBe(ca);
    const ready = logs.find((l) => l.msg === 'dev-stand demo keys ready');
    expect(ready?.ms).toBeGreaterThan(0);
  }, 300_000);
});
