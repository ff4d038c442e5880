/**
 * Throughput of an authenticated, database-backed page («Помощь для вас», /help) against a bare
 * Express + Nunjucks render of the same template with the same data, in the same run, 50 connections.
 * Run: `npm run bench` (or `npx tsx bench/pages.ts`). Uses its own embedded PostgreSQL in a temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import autocannon from 'autocannon';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createKnex } from '../src/db/knex.js';
import { migrateLatest, runSeeds } from '../src/db/migrator.js';
import { devKey, ensureDevPki, signXml } from '../src/eds/index.js';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildServices } from '../src/modules/index.js';
import { createApp } from '../src/app.js';
import { setUpNunjucks } from '../src/web/nunjucks.js';
import { signFormFrom } from '../test/support/http.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const PATH = '/help';

function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

async function run(url: string, cookie?: string) {
  const result = await autocannon({
    url: url + PATH,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: cookie ? { cookie } : {},
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
fs.chmodSync(dataDir, 0o755);
const pg = await startEmbeddedPostgres({ dir: path.join(dataDir, 'pg'), ephemeral: true });
const db = createKnex(pg.url, 10);
try {
  await migrateLatest(db);
  await db.transaction((tx) => runSeeds(tx));
  await ensureDevPki(dataDir, { people: PEOPLE, organisations: ORGANISATIONS });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RUN_JOBS: 'false',
  });
  const app = createApp(buildServices(config, db, createLogger('warn')));

  // capture the template and the data of one real render, for the bare server
  let captured: { view: string; locals: Record<string, unknown> } | null = null;
  const original = app.response.render;
  app.response.render = function (this: express.Response, view: string, options?: object) {
    if (!captured && view.includes('recipient/help'))
      captured = { view, locals: { ...this.locals, ...options } };
    return original.call(this, view, options as never);
  } as typeof original;

  // log in as a recipient through the real EDS login
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const form = signFormFrom(page.text);
  const login = await agent
    .post('/login')
    .type('form')
    .send({
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: signXml(form.xml, devKey(dataDir, 'r01', 'AUTH')),
    });
  const cookie = ([] as string[])
    .concat(login.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  await agent.get('/welcome');
  const help = await agent.get(PATH);
  if (help.status !== 200 || !captured) throw new Error(`could not render ${PATH}: ${help.status}`);
  const { view, locals } = captured as { view: string; locals: Record<string, unknown> };

  const bare = express();
  setUpNunjucks(bare, { development: false });
  bare.get(PATH, (_req, res) => res.render(view, locals));

  const portal = await listen(app);
  const bareServer = await listen(bare);
  await run(bareServer.url); // warm-up
  await run(portal.url, cookie);
  const b = await run(bareServer.url);
  const p = await run(portal.url, cookie);
  await new Promise((r) => setTimeout(r, 1000));
  await portal.close();
  await bareServer.close();
  await (app.locals.sessionPool as { end: () => Promise<void> }).end();

  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    `page ${PATH} (${Math.round(help.text.length / 1024)} KB), ${CONNECTIONS} connections, ${DURATION} s each, ${os.cpus().length} cores`,
  );
  console.log(
    `bare Express + Nunjucks, same template and data: ${b.rps.toFixed(0)} req/s, p50 ${b.p50} ms, p99 ${b.p99} ms, errors ${b.errors}`,
  );
  console.log(
    `portal (session, CSRF, helmet, logging, database): ${p.rps.toFixed(0)} req/s, p50 ${p.p50} ms, p99 ${p.p99} ms, errors ${p.errors}`,
  );
  console.log(
    `throughput ratio ${(p.rps / b.rps).toFixed(2)} (target ≥ 0.50); p99 ratio ${(p.p99 / b.p99).toFixed(2)} (target ≤ 2.00); RSS ${rss} MB`,
  );
} finally {
  await db.destroy();
  await pg.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
