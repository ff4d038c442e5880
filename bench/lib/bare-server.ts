/**
 * The bare server of the page benchmark, run as its own process: it renders one real page of the portal
 * once (an in-process app on the bench database, logged in as the person through the real EDS login),
 * keeps the template name and the exact data of that render, and then serves that template with that
 * data from a bare Express + Nunjucks app (production settings: templates cached). Input (env):
 * DATABASE_URL, DATA_DIR, BARE_PATH, BARE_PERSON. Tells its port to the parent over IPC.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { signXml } from '../../src/eds/index.js';
import { devKey } from '../../src/devstand/pki.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createKnex } from '../../src/db/knex.js';
import { buildServices } from '../../src/modules/index.js';
import { createApp } from '../../src/app.js';
import { createDevStand } from '../../src/devstand/index.js';
import { setUpNunjucks } from '../../src/web/nunjucks.js';
import { createHttpServer } from '../../src/web/http-server.js';
import { signFormFrom } from '../../test/support/http.js';

const dataDir = process.env.DATA_DIR!;
const pagePath = process.env.BARE_PATH!;
const person = process.env.BARE_PERSON!;
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: process.env.DATABASE_URL!,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  RUN_JOBS: 'false',
});
const db = createKnex(config.DATABASE_URL!, 2);
const devStand = createDevStand(config, db, createLogger('silent'));
const app = createApp(buildServices(config, db, createLogger('silent'), { devStand }), devStand.web);

let captured: { view: string; locals: Record<string, unknown> } | null = null;
const original = app.response.render;
app.response.render = function (this: express.Response, view: string, options?: object) {
  if (!captured) captured = { view, locals: { ...this.locals, ...options } };
  return original.call(this, view, options as never);
} as typeof original;

const agent = request.agent(app);
const form = signFormFrom((await agent.get('/login')).text);
await agent
  .post('/login')
  .type('form')
  .send({
    _csrf: form.csrf,
    signRequestId: form.signRequestId,
    signedXml: signXml(form.xml, devKey(dataDir, person, 'AUTH')),
  });
await agent.get('/welcome');
captured = null;
const page = await agent.get(pagePath);
if (page.status !== 200 || !captured) throw new Error(`could not render ${pagePath}: ${page.status}`);
const { view, locals } = captured as { view: string; locals: Record<string, unknown> };
await (app.locals.sessionPool as { end: () => Promise<void> }).end();
await db.destroy();

const bare = express();
setUpNunjucks(bare, { development: false });
bare.get(pagePath, (_req, res) => res.render(view, locals));
// the same HTTP server as the portal's (src/server.ts), so that the two compare fairly
const server = createHttpServer(bare).listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port, bytes: Buffer.byteLength(page.text) });
});
process.on('message', (m: string) => {
  if (m === 'stop') server.close(() => process.exit(0));
});
