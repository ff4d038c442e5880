/**
 * Bed rush: N signed «Записаться» attempts for B beds of one department, over HTTP, against the portal
 * started by this script in a child process (production mode, one instance, its own embedded
 * PostgreSQL in a temporary folder), so that the client's work is not counted as the server's.
 *
 * Untimed preparation: N recipients with MSU measures and real certificates from the dev CA (one
 * shared RSA key), a real EDS login for each, the enrolment page for each (which issues the document),
 * and its signature. Timed: all N signed posts fired at once (through `--sockets` keep-alive
 * connections). Reported: time to settle, p50/p99 latency, errors, overbookings, and where the server's
 * time went (signatures verified, transactions run).
 *
 *   npm run bench:msu [-- --attempts 2000 --beds 50 --sockets 64]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { TrustStore, ensureDevPki, signXml } from '../src/eds/index.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createKnex } from '../src/db/knex.js';
import { migrateLatest, runSeeds } from '../src/db/migrator.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildServices } from '../src/modules/index.js';
import { createApp } from '../src/app.js';
import { devIntegrations, devRegistryPerson } from '../src/integrations/dev.js';
import { createSyntheticRecipients, type SyntheticPerson } from '../test/support/msu-keys.js';
import type { RegistryPerson } from '../src/integrations/ports.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : def;
}

const ATTEMPTS = arg('attempts', 2000);
const BEDS = arg('beds', 50);
const SOCKETS = arg('sockets', 64);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP client: one cookie jar per person, the proxy header that makes the session cookie secure. */
class Client {
  private cookies = new Map<string, string>();
  constructor(
    private readonly base: URL,
    private readonly agent: http.Agent,
  ) {}

  request(method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<Reply> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path: pathname,
          agent: this.agent,
          headers: {
            'x-forwarded-proto': 'https',
            accept: 'text/html',
            ...(this.cookies.size
              ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
              : {}),
            ...(body
              ? {
                  'content-type': 'application/x-www-form-urlencoded',
                  'content-length': Buffer.byteLength(body),
                }
              : {}),
          },
        },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const eq = pair!.indexOf('=');
            this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
          }
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function signForm(html: string) {
  const f = /<form[^>]*action="([^"]*)"[^>]*data-eds-sign="(?:AUTH|SIGN)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!f) throw new Error(`no signing form on the page: ${html.slice(0, 300)}`);
  const v = (name: string) => decode(new RegExp(`name="${name}" value="([^"]*)"`).exec(f[2]!)![1]!);
  return { action: decode(f[1]!), csrf: v('_csrf'), signRequestId: v('signRequestId'), xml: v('xml') };
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

interface ServeInput {
  pgUrl: string;
  dataDir: string;
  attempts: number;
  registry: RegistryPerson[];
}

interface ServerStats {
  verified: number;
  verifyMs: number;
  applied: number;
  applyMs: number;
  rssMb: number;
  heapMb: number;
}

/** The child: one portal instance as production runs it, with counters on the signing path. */
async function serve(inputFile: string): Promise<void> {
  const input = JSON.parse(fs.readFileSync(inputFile, 'utf8')) as ServeInput;
  const byIin = new Map(input.registry.map((p) => [p.iin, p]));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: input.pgUrl,
    DATA_DIR: input.dataDir,
    BASE_URL: 'https://portal.example.kz',
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    RUN_JOBS: 'false',
    TRUST_PROXY: 'loopback',
    LOGIN_RATE_LIMIT: String(input.attempts * 10),
    // production wants its anchors named; the dev CA stands in for НУЦ РК here
    EDS_TRUST_ANCHORS: ['root.pem', 'ca.pem'].map((f) => path.join(input.dataDir, 'pki', f)).join(','),
  });
  const db = createKnex(input.pgUrl, config.DATABASE_POOL_MAX);
  const trust = TrustStore.fromDirectory(path.join(input.dataDir, 'pki'), { refuseWhenCrlStale: true });
  const integrations = {
    ...devIntegrations(db),
    personRegistry: { findByIin: async (iin: string) => byIin.get(iin) ?? devRegistryPerson(iin) },
    mobileBase: { phoneByIin: async () => null },
  };
  const services = buildServices(config, db, createLogger('silent'), { integrations, trust });

  // where the server's time goes: signatures verified and signed transactions run, with their time
  const signing = services.signing;
  const stats = { verified: 0, verifyMs: 0, applied: 0, applyMs: 0 };
  const verify = signing.verify.bind(signing);
  signing.verify = async (v) => {
    const t = performance.now();
    try {
      return await verify(v);
    } finally {
      stats.verified++;
      stats.verifyMs += performance.now() - t;
    }
  };
  const apply = signing.apply.bind(signing);
  signing.apply = (async (a: Parameters<typeof apply>[0], fn: Parameters<typeof apply>[1]) => {
    const t = performance.now();
    try {
      return await apply(a, fn);
    } finally {
      stats.applied++;
      stats.applyMs += performance.now() - t;
    }
  }) as typeof signing.apply;

  const app = createApp(services);
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  process.on('message', (m: string) => {
    if (m === 'reset') {
      Object.assign(stats, { verified: 0, verifyMs: 0, applied: 0, applyMs: 0 });
      process.send!({ reset: true });
    } else if (m === 'stats') {
      const mem = process.memoryUsage();
      process.send!({ stats: { ...stats, rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20 } });
    } else if (m === 'stop') {
      server.closeAllConnections();
      server.close(() => {
        void (app.locals.sessionPool as { end: () => Promise<void> })
          .end()
          .then(() => db.destroy())
          .then(() => process.exit(0));
      });
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** Sends a message to the server child and waits for the answer carrying `key`. */
function ask<T>(child: ReturnType<typeof fork>, msg: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-msu-'));
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({
    dir: path.join(dataDir, 'pg'),
    ephemeral: true,
    database: 'bench',
  });
  const db = createKnex(pg.url, 4);
  let child: ReturnType<typeof fork> | null = null;
  try {
    const t0 = performance.now();
    await ensureDevPki(dataDir, {
      people: PEOPLE.filter((p) => p.key === 'r01'),
      organisations: ORGANISATIONS,
    });
    await migrateLatest(db);
    await db.transaction((tx) => runSeeds(tx));
    const people = await createSyntheticRecipients(db, dataDir, ATTEMPTS, { tag: 'bench' });
    const setup = buildServices(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: pg.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
      db,
      createLogger('silent'),
    );
    const inst = (await db('msu_institutions').orderBy('id').first('id')) as { id: number };
    const departmentId = await setup.msu.admin.addDepartment(
      { personId: 1, principalId: 1, roles: ['admin'] },
      inst.id,
      {
        name: { ru: 'Отделение для замера' },
        profile: 'general',
        sex: 'any',
        age_group: 'any',
        beds_total: BEDS,
        active: true,
        reason: 'bench',
      },
    );

    const inputFile = path.join(dataDir, 'serve.json');
    const input: ServeInput = {
      pgUrl: pg.url,
      dataDir,
      attempts: ATTEMPTS,
      registry: people.map((p) => p.registry),
    };
    fs.writeFileSync(inputFile, JSON.stringify(input));
    child = fork(fileURLToPath(import.meta.url), ['--serve', inputFile], {
      execArgv: ['--import', 'tsx', '--max-semi-space-size=4'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child!.once('message', (m: { port?: number }) =>
        m.port ? resolve(m.port) : reject(new Error('no port')),
      );
      child!.once('exit', (code) => reject(new Error(`the portal exited with ${code}`)));
    });
    const base = new URL(`http://127.0.0.1:${port}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });

    // untimed: a real login and a signed enrolment document for everybody
    const prepared: { client: Client; form: Record<string, string>; action: string }[] = [];
    await pool(people, 16, async (p: SyntheticPerson) => {
      const client = new Client(base, agent);
      const login = signForm((await client.request('GET', '/login')).body);
      const r = await client.request('POST', login.action, {
        _csrf: login.csrf,
        signRequestId: login.signRequestId,
        signedXml: signXml(login.xml, p.auth),
      });
      if (r.status !== 303) throw new Error(`login failed: ${r.status} ${r.body.slice(0, 300)}`);
      const page = await client.request('GET', `/msu/departments/${departmentId}/enrol`);
      if (page.status !== 200) throw new Error(`enrolment page: ${page.status}`);
      const f = signForm(page.body);
      prepared.push({
        client,
        action: f.action,
        form: { _csrf: f.csrf, signRequestId: f.signRequestId, signedXml: signXml(f.xml, p.sign) },
      });
    });
    const prepMs = performance.now() - t0;
    await ask(child, 'reset', 'reset');

    // timed: the rush
    const latencies: number[] = [];
    let booked = 0;
    let refused = 0;
    let errors = 0;
    const start = performance.now();
    await Promise.all(
      prepared.map(async ({ client, action, form }) => {
        const t = performance.now();
        try {
          const r = await client.request('POST', action, form);
          latencies.push(performance.now() - t);
          const location = String(r.headers.location ?? '');
          if (r.status === 303 && location.startsWith('/msu/orders/')) booked++;
          else if (r.status === 303 && location.endsWith('/enrol')) refused++;
          else errors++;
        } catch {
          errors++;
        }
      }),
    );
    const settleMs = performance.now() - start;
    const stats = await ask<ServerStats>(child, 'stats', 'stats');

    const dept = (await db('msu_departments').where({ id: departmentId }).first()) as { free: number };
    const held = (await db('msu_orders as m')
      .join('orders as o', 'o.id', 'm.order_id')
      .where({ 'm.department_id': departmentId, 'o.status': 'awaiting_arrival' })
      .count('* as n')
      .first()) as { n: number };
    const overbooked = Math.max(0, Number(held.n) - BEDS) + (dept.free < 0 ? 1 : 0);
    const consistent = Number(held.n) + dept.free === BEDS && Number(held.n) === booked;

    console.log(
      `МСУ bed rush: ${ATTEMPTS} signed enrolment attempts for ${BEDS} beds (${SOCKETS} connections, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    console.log(
      `  preparation (untimed: people, certificates, ${ATTEMPTS} logins, documents, signatures): ${(prepMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  settled in      ${(settleMs / 1000).toFixed(2)} s  (${Math.round((ATTEMPTS * 1000) / settleMs)} attempts/s)`,
    );
    console.log(
      `  latency         p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, max ${pct(latencies, 100).toFixed(0)} ms`,
    );
    console.log(`  outcome         ${booked} booked, ${refused} told «no free beds», ${errors} errors`);
    console.log(
      `  overbookings    ${overbooked} (beds held ${held.n}, free left ${dept.free}; consistent: ${consistent})`,
    );
    console.log(
      `  server time     ${stats.verified} signatures verified (${(stats.verifyMs / Math.max(1, stats.verified)).toFixed(1)} ms each incl. queueing), ` +
        `${stats.applied} signed transactions attempted (${(stats.applyMs / Math.max(1, stats.applied)).toFixed(1)} ms each incl. verification); ` +
        `${ATTEMPTS - stats.applied} refused by the free-bed check before verification`,
    );
    console.log(
      `  server memory   ${Math.round(stats.rssMb)} MB RSS, ${Math.round(stats.heapMb)} MB heap after the rush`,
    );
    process.exitCode = errors === 0 && overbooked === 0 && consistent ? 0 : 1;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.send('stop');
      await exited;
    }
    await db.destroy();
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!);
else await main();
