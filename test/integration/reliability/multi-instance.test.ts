import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, signFormFrom, uploadActionFrom, personIdOf } from '../../support/http.js';
import { addOpenDepartment } from '../../support/msu-keys.js';
import { ROOT_DIR } from '../../../src/config.js';
import { PNG } from '../admin/fixtures.js';
import { FakeESobes, PortalClient, freePort, listensOn } from './crash-support.js';
import { productionNodeFlags } from './hostile-support.js';

/**
 * Several instances on one database, without Docker: two web instances (`src/server.ts`, the node
 * flags of `npm run start:prod`, RUN_JOBS on the first only) and a worker (`src/worker.ts`) on one
 * PostgreSQL, each its own process. Sessions, sign requests, beds, the outbox and the files are all in
 * the database, so whichever instance a request reaches answers alike, and killing one loses nothing
 * it answered. Bounded: a dozen people, 4 beds, 20 messages, 40 answered posts under load.
 */
const BEDS = 4;
const RUSH = ['r01', 'r02', 'r04', 'r08', 'r09', 'r11', 'r13', 'r15', 'r17', 'r18'];
const MESSAGES = 20;
const LOAD_ANSWERS = 40;
const KILL_AFTER = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (a state, never a fixed time), within a bound. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

/** One process of the portal: a web instance (ready when /healthz answers) or the jobs worker. */
class Instance {
  private child: ChildProcess | null = null;
  readonly output: string[] = [];
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly entry: 'server' | 'worker' | 'cluster',
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [...productionNodeFlags(), '--import', 'tsx', path.join('src', `${this.entry}.ts`)],
      {
        cwd: ROOT_DIR,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...this.env,
          PORT: String(this.port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > 300) this.output.splice(0, this.output.length - 300);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await until(
      `${this.entry} on ${this.port} ready`,
      async () => {
        if (!this.running) throw new Error(`${this.entry} exited while starting:\n${this.tail()}`);
        if (this.entry === 'worker') return this.output.some((l) => l.includes('background jobs started'));
        // the answer must come from this child (the primary holds a cluster's listening socket)
        return listensOn(child.pid!, this.port) && this.healthy();
      },
      120_000,
    );
  }

  healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get(`${this.baseUrl}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2000, () => req.destroy());
    });
  }

  /** SIGTERM, and the exit code of the graceful stop */
  async stop(): Promise<number | null> {
    if (this.running) this.child!.kill('SIGTERM');
    await this.exited;
    return this.child?.exitCode ?? null;
  }

  async kill(): Promise<void> {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}

/** The session cookie of a client, to send with a request to another instance. */
function cookieOf(client: PortalClient): string {
  const jar = (
    client.agent as unknown as { jar: { getCookies: (a: object) => { toValueString(): string }[] } }
  ).jar;
  return jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => c.toValueString())
    .join('; ');
}

/** Collects a binary response body as a Buffer. */
function collect(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => done(null, Buffer.concat(parts)));
}
const binary = collect as unknown as (res: unknown, cb: (err: Error | null, body: unknown) => void) => void;

let ctx: TestContext;
let esobes: FakeESobes | undefined;
let a: Instance | undefined;
let b: Instance | undefined;
let worker: Instance | undefined;

beforeAll(async () => {
  ctx = await createTestContext();
  esobes = new FakeESobes();
  await esobes.start();
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL: ctx.databaseUrl,
    DATABASE_POOL_MAX: '6',
    DATA_DIR: ctx.dataDir,
    LOG_LEVEL: 'info',
    OUTBOX_POLL_MS: '100',
    LOGIN_RATE_LIMIT: '10000',
    SIGNED_RATE_LIMIT: '10000',
    ESOBES_URL: esobes.url,
  };
  // the first web instance also delivers the outbox, as the worker does: two pollers compete
  a = new Instance('server', await freePort(), { ...env, RUN_JOBS: 'true' });
  b = new Instance('server', await freePort(), { ...env, RUN_JOBS: 'false' });
  worker = new Instance('worker', 0, env);
  await a.start();
  await Promise.all([b.start(), worker.start()]);
}, 300_000);

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill(), worker?.kill()]);
  await esobes?.close();
  await ctx?.close();
});

describe('two web instances and a worker on one database', () => {
  it('keeps a session made on one valid on the other, and a logout on one ends it on both', async () => {
    const client = new PortalClient(a!.baseUrl, ctx.dataDir, 'r03');
    await client.login();
    const cookie = cookieOf(client);
    for (const inst of [a!, b!]) {
      const page = await request(inst.baseUrl).get('/cabinet').set('Cookie', cookie).redirects(0);
      expect(page.status).toBe(200);
    }
    // logged out through B, with the token of a page A rendered
    const page = await request(a!.baseUrl).get('/cabinet').set('Cookie', cookie).expect(200);
    await request(b!.baseUrl)
      .post('/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .redirects(0)
      .expect(303);
    // A kept the session in memory: the deletion's announcement (a NOTIFY from the sessions table)
    // makes it forget it, within the announcement's delivery
    for (const inst of [a!, b!]) {
      let after: request.Response | undefined;
      await until(
        `the logout reaches ${inst.baseUrl}`,
        async () => {
          after = await request(inst.baseUrl).get('/cabinet').set('Cookie', cookie).redirects(0);
          return after.status !== 200;
        },
        10_000,
      );
      expect(after!.status).toBeGreaterThanOrEqual(300);
      expect(after!.status).toBeLessThan(400);
      expect(after!.headers.location).toMatch(/\/login/);
    }
  }, 120_000);

  it('never overbooks a bed rush split across both instances', async () => {
    const inst = (await ctx.db('msu_institutions').orderBy('id').first('id')) as { id: number };
    const departmentId = await addOpenDepartment(ctx.services, inst.id, 'Отделение двух экземпляров', BEDS);
    for (const key of RUSH) {
      const personId = await personIdOf(ctx, key);
      if (await ctx.db('ipr_measures').where({ person_id: personId, help_type: 'MSU' }).first()) continue;
      const [ipr] = (await ctx
        .db('iprs')
        .insert({
          external_id: `multi-IPR-${key}`,
          person_id: personId,
          developed_on: '2026-01-01',
          valid_until: '2099-12-31',
        })
        .returning('id')) as { id: number }[];
      await ctx.db('ipr_measures').insert({
        external_id: `multi-M-${key}`,
        ipr_id: ipr!.id,
        person_id: personId,
        help_type: 'MSU',
        volume: 365,
        deadline: '2099-12-31',
        status: 'open',
      });
    }
    // each person logs in and opens the form on one instance, half on each
    const people = await Promise.all(
      RUSH.map(async (key, i) => {
        const inst = i % 2 === 0 ? a! : b!;
        const client = new PortalClient(inst.baseUrl, ctx.dataDir, key);
        await client.login();
        const page = await client.get(`/msu/departments/${departmentId}/enrol`);
        expect(page.status).toBe(200);
        return { client, page: page.text };
      }),
    );
    // everyone signs at once
    const answers = await Promise.all(
      people.map(async ({ client, page }) => {
        const form = signFormFrom(page);
        return client.post(form.action, {
          _csrf: form.csrf,
          signRequestId: form.signRequestId,
          signedXml: client.sign(form.xml, 'SIGN'),
        });
      }),
    );
    expect(answers.map((r) => r.status)).toEqual(RUSH.map(() => 303));
    const enrolled = answers.filter((r) => String(r.headers.location).startsWith('/msu/orders/'));
    expect(enrolled).toHaveLength(BEDS);
    const dept = (await ctx.db('msu_departments').where({ id: departmentId }).first()) as { free: number };
    expect(dept.free).toBe(0);
    const orders = await ctx
      .db('orders as o')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .where('m.department_id', departmentId)
      .where('o.status', 'awaiting_arrival')
      .pluck('o.id');
    expect(orders).toHaveLength(BEDS);
  }, 240_000);

  it('delivers each outbox message once while a web instance and the worker both poll', async () => {
    const keys = Array.from({ length: MESSAGES }, (_, i) => `multi-instance-${i}-${crypto.randomUUID()}`);
    await ctx.db('outbox').insert(
      keys.map((k, i) => ({
        system: 'esobes',
        topic: 'msu.arrived',
        idempotency_key: k,
        payload: JSON.stringify({ test: 'multi-instance', n: i }),
        next_attempt_at: new Date(Date.now() - 1000),
      })),
    );
    await until('every message delivered', async () => {
      const left = await ctx
        .db('outbox')
        .whereIn('idempotency_key', keys)
        .whereNot({ state: 'delivered' })
        .pluck('id');
      return left.length === 0;
    });
    const received = esobes!.receipts.filter((r) => keys.includes(r.key));
    expect(received).toHaveLength(MESSAGES);
    expect(new Set(received.map((r) => r.key)).size).toBe(MESSAGES);
    expect(received.filter((r) => r.duplicate)).toEqual([]);
  }, 120_000);

  it('downloads through one instance a file uploaded through the other', async () => {
    const client = new PortalClient(a!.baseUrl, ctx.dataDir, 'r05');
    await client.login();
    const form = await client.get('/support/new');
    expect(form.status).toBe(200);
    // a real PNG with bytes after its end, a few chunks of the file store long
    const shot = Buffer.concat([PNG, crypto.randomBytes(600_000)]);
    const filed = await client.agent
      .post(uploadActionFrom(form.text))
      .field('_csrf', csrfFrom(form.text))
      .field('description', 'Снимок экрана загружен через первый экземпляр.')
      .field('location', 'Личный кабинет')
      .attach('screenshots', shot, { filename: 'screen.png', contentType: 'image/png' })
      .redirects(0);
    expect(filed.status).toBe(303);
    const id = Number(/\/support\/(\d+)$/.exec(String(filed.headers.location))![1]);
    const file = (await ctx.db('support_attachments').where({ request_id: id }).first()) as { id: number };
    const served = await request(b!.baseUrl)
      .get(`/support/${id}/files/${file.id}`)
      .set('Cookie', cookieOf(client))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, shot)).toBe(0);
  }, 120_000);

  it('loses no answered request when one instance is killed mid-load', async () => {
    const client = new PortalClient(a!.baseUrl, ctx.dataDir, 'r06');
    await client.login();
    const cookie = cookieOf(client);
    const token = csrfFrom((await client.get('/support/new')).text);
    const marker = crypto.randomUUID().slice(0, 8);
    const answered: { description: string; id: number; via: 'a' | 'b' }[] = [];
    const sent: string[] = [];
    let killed = false;
    let n = 0;
    let answeredByBAfterKill = 0;
    const loop = async () => {
      while (answered.length < LOAD_ANSWERS) {
        const i = n++;
        const via = i % 2 === 0 && !killed ? 'a' : 'b';
        const inst = via === 'a' ? a! : b!;
        const description = `Нагрузка ${marker} номер ${i}: обращение под нагрузкой.`;
        sent.push(description);
        try {
          const res = await request(inst.baseUrl)
            .post('/support/new')
            .set('Cookie', cookie)
            .type('form')
            .send({ _csrf: token, description, location: '' })
            .redirects(0)
            .timeout({ response: 30_000, deadline: 40_000 });
          if (res.status !== 303) throw new Error(`answered ${res.status}: ${res.text.slice(0, 200)}`);
          answered.push({ description, id: Number(/(\d+)$/.exec(String(res.headers.location))![1]), via });
          if (killed && via === 'b') answeredByBAfterKill++;
        } catch (err) {
          // a request cut off by the kill has no answer; any other failure is a failure
          if (!(via === 'a' && killed)) throw err;
        }
        if (!killed && answered.length >= KILL_AFTER) {
          killed = true;
          await a!.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, loop));
    expect(killed).toBe(true);
    expect(answeredByBAfterKill).toBeGreaterThan(0);
    // every answered request is in the database, as answered
    const rows = (await ctx
      .db('support_requests')
      .where('description', 'like', `Нагрузка ${marker} %`)
      .select('id', 'description')) as { id: number; description: string }[];
    const byId = new Map(rows.map((r) => [Number(r.id), r.description]));
    for (const r of answered) expect(byId.get(r.id)).toBe(r.description);
    // and nothing that was not sent
    for (const r of rows) expect(sent).toContain(r.description);
    // B still serves, the worker still runs
    expect(await b!.healthy()).toBe(true);
    expect(worker!.running).toBe(true);
  }, 240_000);
});

describe('npm run start:prod: one web worker per core (node:cluster)', () => {
  it('serves from WEB_CONCURRENCY workers, runs the jobs once, and stops the workers before the jobs and the pool', async () => {
    const messages = (inst: Instance) =>
      inst.output.flatMap((l) => {
        try {
          return [JSON.parse(l) as { msg?: string; component?: string; worker?: number }];
        } catch {
          return [];
        }
      });
    const primary = new Instance('cluster', await freePort(), {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: ctx.databaseUrl,
      DATABASE_POOL_MAX: '4',
      DATA_DIR: ctx.dataDir,
      LOG_LEVEL: 'info',
      RUN_JOBS: 'true',
      WEB_CONCURRENCY: '2',
    });
    try {
      await primary.start();
      await until(
        'both workers listening',
        () => messages(primary).filter((m) => m.msg?.startsWith('portal listening')).length === 2,
      );
      const listening = messages(primary).filter((m) => m.msg?.startsWith('portal listening'));
      expect(new Set(listening.map((m) => m.worker)).size).toBe(2);
      await until('the jobs started', () =>
        messages(primary).some((m) => m.msg === 'background jobs started'),
      );
      // the jobs run in the primary alone, not once per worker
      const jobs = messages(primary).filter((m) => m.msg === 'background jobs started');
      expect(jobs).toHaveLength(1);
      // answering on the one port
      for (let i = 0; i < 4; i++) expect(await primary.healthy()).toBe(true);

      expect(await primary.stop()).toBe(0);
      const order = messages(primary)
        .filter((m) => m.msg === 'stopped')
        .map((m) => (m.component === 'cluster' ? 'primary' : 'worker'));
      expect(order).toEqual(['worker', 'worker', 'primary']);
    } finally {
      await primary.kill();
    }
  }, 240_000);
});
