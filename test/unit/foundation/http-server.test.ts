/**
 * The portal's HTTP server (src/web/http-server.ts) builds requests and responses with the app's own
 * prototypes, and Express behaves through it exactly as through `app.listen`.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/web/http-server.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function app() {
  const a = express();
  a.set('query parser', 'simple');
  a.use(express.urlencoded({ extended: false }));
  a.get('/json', (req, res) => {
    res.locals.seen = req.query.q;
    res.set('x-app', String(req.app === a)).json({ q: req.query.q, locals: res.locals.seen, path: req.path });
  });
  a.post('/form', (req, res) => res.redirect(303, `/json?q=${encodeURIComponent(String(req.body.q))}`));
  a.get('/fail', () => {
    throw new Error('broken');
  });
  a.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text').send(`handled: ${err.message}`);
  });
  return a;
}

async function exchange(base: string) {
  const json = await fetch(`${base}/json?q=%D0%B7%D0%B0%D1%8F%D0%B2%D0%BA%D0%B0`);
  const form = await fetch(`${base}/form`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'q=a%26b',
    redirect: 'manual',
  });
  const fail = await fetch(`${base}/fail`);
  const missing = await fetch(`${base}/nowhere`);
  return {
    json: [json.status, json.headers.get('x-app'), await json.json()],
    form: [form.status, form.headers.get('location')],
    fail: [fail.status, await fail.text()],
    missing: missing.status,
  };
}

describe('the HTTP server of an Express app', () => {
  it('builds each request and response with the app’s prototypes before Express sees them', async () => {
    const a = app();
    const server = createHttpServer(a);
    const protos: boolean[] = [];
    server.prependListener('request', (req, res) => {
      protos.push(Object.getPrototypeOf(req) === a.request, Object.getPrototypeOf(res) === a.response);
    });
    const base = await serve(server);
    expect((await fetch(`${base}/json?q=1`)).status).toBe(200);
    expect(protos).toEqual([true, true]);
  });

  it('answers as node’s server over the app (what app.listen makes) does: query, locals, body, redirect, errors, 404', async () => {
    const viaListen = await exchange(await serve(http.createServer(app())));
    const viaServer = await exchange(await serve(createHttpServer(app())));
    expect(viaServer).toEqual(viaListen);
    expect(viaServer.json).toEqual([200, 'true', { q: 'заявка', locals: 'заявка', path: '/json' }]);
    expect(viaServer.form).toEqual([303, '/json?q=a%26b']);
    expect(viaServer.fail).toEqual([500, 'handled: broken']);
    expect(viaServer.missing).toBe(404);
  });
});

/**
 * What a request leaves behind in the young generation: a child process serves `res.json` through
 * `mode` ('portal': createHttpServer, 'node': http.createServer over the app, what app.listen makes)
 * with V8's per-scavenge statistics on; `requests` requests are sent one after another on one
 * keep-alive connection, and the bytes the scavenges promoted to the old generation are summed.
 */
async function promotedPerRequest(mode: 'portal' | 'node', requests: number): Promise<number> {
  const script = `
    import http from 'node:http';
    import express from 'express';
    import { createHttpServer } from './src/web/http-server.ts';
    const app = express();
    app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
    const server = ${mode === 'portal' ? 'createHttpServer(app)' : 'http.createServer(app)'};
    server.listen(0, '127.0.0.1', () => console.log('PORT=' + server.address().port));
    process.stdin.on('data', () => { console.log('DONE'); process.exit(0); });`;
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=16', '--trace-gc-nvp', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  let counting = false;
  const promoted: number[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) {
        const p = /^PORT=(\d+)/.exec(l);
        if (p) resolve(Number(p[1]));
        const s = / gc=s .* promoted=(\d+)/.exec(l);
        if (s && counting) promoted.push(Number(s[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`))));
        })
        .on('error', reject);
    });
  // the first requests compile the code and fill the caches: not counted
  for (let i = 0; i < 2000; i++) await get();
  counting = true;
  for (let i = 0; i < requests; i++) await get();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.write('stop\n');
  await exited;
  agent.destroy();
  return promoted.reduce((a, b) => a + b, 0) / requests;
}

describe('the young generation under a stream of requests', () => {
  it('promotes a fraction of what node’s own server over the app promotes per request', async () => {
    const portal = await promotedPerRequest('portal', 8000);
    const node = await promotedPerRequest('node', 8000);
    // Express's setPrototypeOf on node's objects promotes kilobytes per request; the portal's server a fraction
    expect(node).toBeGreaterThan(4096);
    expect(portal).toBeLessThan(node / 3);
  });
});
