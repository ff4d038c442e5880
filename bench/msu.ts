/**
 * Signed МСУ enrolments over HTTP against one portal instance started by this script in a child process
 * (production mode, its own embedded PostgreSQL in a temporary folder), so that the client's work is not
 * counted as the server's. Two runs:
 * - the bed rush: N signed «Записаться» attempts for B beds of one department (settle time, errors,
 *   overbookings);
 * - signed order submissions per second: every attempt finds a bed, so each one is verified and committed.
 *
 * Untimed preparation: recipients with MSU measures and real certificates from the dev CA (one shared RSA
 * key), a real EDS login for each, the enrolment page for each (which issues the document), and its
 * signature. Timed: all posts fired at once through `--sockets` keep-alive connections.
 *
 *   npm run bench:msu [-- --attempts 2000 --beds 50 --sockets 64 --orders 600 --departments 12]
 *   [--rush-only | --orders-only]
 *
 * Profile: `PERF_RECORD=/tmp/orders.perf npm run bench:msu -- --orders-only` records the one-process
 * server's timed window with `perf record -g` (see bench/lib/perf.ts).
 */
import http from 'node:http';
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { signXml } from '../src/eds/index.js';
import { ensureDevPki } from '../src/devstand/pki.js';
import { freePort } from '../src/db/embedded.js';
import { createKnex } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrator.js';
import { runSeeds } from '../src/devstand/seed.js';
import { createDevStand } from '../src/devstand/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildServices } from '../src/modules/index.js';
import {
  addOpenDepartment,
  createSyntheticRecipients,
  type SyntheticPerson,
} from '../test/support/msu-keys.js';
import { isMiddlewareStatement, recordStatements } from '../test/support/statements.js';
import { treeCpuMs, untilIdle } from './lib/cpu.js';
import { profileFlags, record } from './lib/perf.js';
import { Client, signForm } from './lib/client.js';
import { startStateGateways } from './lib/gateways.js';
import {
  ROOT,
  arg,
  build,
  isMain,
  load1,
  memoryOf,
  productionNodeFlags,
  pct,
  pool,
  printSection,
  table,
  benchStand,
  waitFor,
  type Section,
} from './lib/common.js';

export interface EnrolmentRun {
  attempts: number;
  beds: number;
  departments: number;
  sockets: number;
  prepMs: number;
  settleMs: number;
  p50: number;
  p99: number;
  max: number;
  booked: number;
  refused: number;
  errors: number;
  overbooked: number;
  consistent: boolean;
  /** signed documents stored and the server's CPU time during the timed part */
  signedStored: number;
  serverCpuMs: number;
  peakRssMb: number;
  /** statements of one signed «Записаться» (the service's own; the middleware's apart), measured in this process */
  stepStatements: number;
  middlewareStatements: number;
  /** the warm-up's own figures: orders per second and server CPU per order (cold, just after the start) */
  warmupRate: number;
  warmupCpuMs: number;
}

/**
 * `attempts` signed «Записаться» posts by as many distinct recipients, spread over `departments`
 * departments of `beds` free beds in all, fired at once through `sockets` keep-alive connections.
 */
export async function signedEnrolments(opts: {
  attempts: number;
  beds: number;
  departments: number;
  sockets: number;
  /** web workers: 1 runs dist/src/server.js, more run dist/src/cluster.js (node:cluster) */
  workers?: number;
  /**
   * signed orders by other recipients into a department of their own, posted the same way before the
   * timed part and not counted: the server's signed path is compiled and warm when the clock starts,
   * as it is in a server that has run for a while (the page bench warms up for 30 s likewise)
   */
  warmup?: number;
}): Promise<EnrolmentRun> {
  const { attempts, beds, departments, sockets } = opts;
  const workers = opts.workers ?? 1;
  const warmup = opts.warmup ?? 0;
  await build();
  const stand = await benchStand('bench-msu-');
  const { dataDir } = stand;
  const db = createKnex(stand.url, 4);
  let child: ChildProcess | null = null;
  let gateways: Awaited<ReturnType<typeof startStateGateways>> | null = null;
  try {
    const t0 = performance.now();
    await ensureDevPki(dataDir, {
      people: PEOPLE.filter((p) => p.key === 'r01'),
      organisations: ORGANISATIONS,
    });
    await migrateLatest(db);
    await db.transaction((tx) => runSeeds(tx));
    const people = await createSyntheticRecipients(db, dataDir, attempts, { tag: 'bench' });
    const warmers = warmup
      ? await createSyntheticRecipients(db, dataDir, warmup, { tag: 'bench-warmup' })
      : [];
    const [counted] = await createSyntheticRecipients(db, dataDir, 1, { tag: 'bench-statements' });
    const setupConfig = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: stand.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    });
    const setup = buildServices(setupConfig, db, createLogger('silent'), {
      devStand: createDevStand(setupConfig, db, createLogger('silent')),
    });
    const inst = (await db('msu_institutions').orderBy('id').first('id')) as { id: number };
    const departmentIds: number[] = [];
    for (let d = 0; d < departments; d++) {
      departmentIds.push(
        await addOpenDepartment(
          setup,
          inst.id,
          `Отделение для замера ${d + 1}`,
          Math.floor(beds / departments) + (d < beds % departments ? 1 : 0),
        ),
      );
    }
    const warmupDepartment = warmup
      ? await addOpenDepartment(setup, inst.id, 'Отделение для разогрева', warmup)
      : 0;

    // the compiled production entry, as `npm run start:prod` runs it, with HTTP adapters to the state systems
    gateways = await startStateGateways(
      [...people, ...warmers].map((p) => p.registry),
      dataDir,
    );
    const port = await freePort();
    child = spawn(
      'node',
      [
        ...productionNodeFlags(),
        // BENCH_SERVER_FLAGS: more node flags for the server, e.g. --cpu-prof to see where its time goes
        ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
        ...(workers === 1 ? profileFlags() : []),
        workers > 1 ? 'dist/src/cluster.js' : 'dist/src/server.js',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...gateways.env,
          NODE_ENV: 'production',
          DATABASE_URL: stand.url,
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          PORT: String(port),
          BASE_URL: 'https://portal.example.kz',
          SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
          TRUST_PROXY: 'loopback',
          LOGIN_RATE_LIMIT: String(attempts * 10),
          LOG_LEVEL: 'info',
          WEB_CONCURRENCY: String(workers),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor(`http://127.0.0.1:${port}/readyz`);
    const base = new URL(`http://127.0.0.1:${port}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });

    // untimed: a real login and a signed enrolment document for everybody
    const signedPost = async (p: SyntheticPerson, departmentId: number) => {
      const client = new Client(base, agent);
      await client.login(p.auth);
      const page = await client.request('GET', `/msu/departments/${departmentId}/enrol`);
      if (page.status !== 200) throw new Error(`enrolment page: ${page.status}`);
      const f = signForm(page.body);
      return {
        client,
        action: f.action,
        form: { _csrf: f.csrf, signRequestId: f.signRequestId, signedXml: signXml(f.xml, p.sign) },
      };
    };
    const prepared: { client: Client; form: Record<string, string>; action: string }[] = [];
    let n = 0;
    await pool(people, 16, async (p: SyntheticPerson) => {
      prepared.push(await signedPost(p, departmentIds[n++ % departments]!));
    });
    const warming: typeof prepared = [];
    await pool(warmers, 16, async (p: SyntheticPerson) => {
      warming.push(await signedPost(p, warmupDepartment));
    });
    const warmCpu0 = treeCpuMs(child.pid!);
    const warmStart = performance.now();
    await Promise.all(
      warming.map(async ({ client, action, form }) => {
        const r = await client.request('POST', action, form);
        if (r.status !== 303) throw new Error(`warm-up order: ${r.status}`);
      }),
    );
    const warmupRate = warmers.length ? (warmers.length * 1000) / (performance.now() - warmStart) : 0;
    const warmupCpuMs = warmers.length ? (treeCpuMs(child.pid!) - warmCpu0) / warmers.length : 0;
    // what the warm-up left behind (its outbox messages, a collection) is done before the clock starts
    await untilIdle(child.pid!);
    const prepMs = performance.now() - t0;
    const signedBefore = await countSigned(db);
    const cpuBefore = treeCpuMs(child.pid!);
    const perf = workers === 1 ? record(child.pid!) : null;

    // timed: all at once
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
    const serverCpuMs = treeCpuMs(child.pid!) - cpuBefore;
    await perf?.stop();
    const signedStored = (await countSigned(db)) - signedBefore;
    const peakRssMb = memoryOf(child.pid!).peak;

    const statements = await countStatementsOfOneStep(setup, inst.id, counted!);

    const depts = (await db('msu_departments').whereIn('id', departmentIds).select('free')) as {
      free: number;
    }[];
    const free = depts.reduce((a, d) => a + d.free, 0);
    const held = (await db('msu_orders as m')
      .join('orders as o', 'o.id', 'm.order_id')
      .whereIn('m.department_id', departmentIds)
      .where({ 'o.status': 'awaiting_arrival' })
      .count('* as n')
      .first()) as { n: number };
    const overbooked = Math.max(0, Number(held.n) - beds) + depts.filter((d) => d.free < 0).length;
    const consistent = Number(held.n) + free === beds && Number(held.n) === booked;
    return {
      ...opts,
      prepMs,
      settleMs,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: pct(latencies, 100),
      booked,
      refused,
      errors,
      overbooked,
      consistent,
      signedStored,
      serverCpuMs,
      peakRssMb,
      stepStatements: statements.step,
      middlewareStatements: statements.middleware,
      warmupRate,
      warmupCpuMs,
    };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await gateways?.close();
    await db.destroy();
    await stand.remove();
  }
}

/**
 * The statements of one signed «Записаться» through the services in this process (the same code the
 * server runs), counted at the pg driver after the timed part, when nothing else runs here: the
 * service's own statements and, apart, those of the middleware (sessions, rate limits; none here).
 */
async function countStatementsOfOneStep(
  services: ReturnType<typeof buildServices>,
  institutionId: number,
  person: SyntheticPerson,
): Promise<{ step: number; middleware: number }> {
  const departmentId = await addOpenDepartment(services, institutionId, 'Отделение для подсчёта запросов', 1);
  const actor = { personId: person.id, principalId: person.id, roles: ['recipient' as const] };
  const view = await services.msu.enrolment.startEnrolment(actor, departmentId);
  const signedXml = signXml(view.signRequest.xml, person.sign);
  const rec = recordStatements();
  try {
    await services.msu.enrolment.enrol(actor, departmentId, {
      signRequestId: view.signRequest.id,
      signedXml,
    });
  } finally {
    rec.stop();
  }
  const middleware = rec.texts.filter(isMiddlewareStatement).length;
  return { step: rec.texts.length - middleware, middleware };
}

async function countSigned(db: ReturnType<typeof createKnex>): Promise<number> {
  return Number(((await db('signed_documents').count('* as n').first()) as { n: number }).n);
}

function serverTime(r: EnrolmentRun): string {
  return (
    `the server used ${(r.serverCpuMs / 1000).toFixed(2)} s of CPU for the ${r.attempts} requests ` +
    `(${(r.serverCpuMs / r.attempts).toFixed(1)} ms each) and stored ${r.signedStored} signed documents`
  );
}

/** The bed rush: 2,000 signed attempts for 50 beds of one department. */
export async function bedRush(
  attempts = arg('attempts', 2000),
  beds = arg('beds', 50),
  sockets = arg('sockets', 64),
): Promise<Section> {
  const load = load1();
  const r = await signedEnrolments({ attempts, beds, departments: 1, sockets });
  const s = (r.settleMs / 1000).toFixed(2);
  return {
    title: 'МСУ bed rush',
    command: 'npm run bench:msu -- --rush-only',
    body:
      `${r.attempts.toLocaleString('en')} signed «Записаться» attempts by as many distinct recipients (real certificates from the dev CA, ` +
      `real logins) for ${r.beds} free beds of one department, all fired at once through ${r.sockets} keep-alive connections, ` +
      `against one portal instance in a child process (production mode). Load average ${load} before the run.\n\n` +
      table(
        [
          'settled',
          'attempts/s',
          'p50 / p99 / max',
          'booked',
          'told «no free beds»',
          'errors',
          'overbookings',
          'counts consistent',
        ],
        [
          [
            `**${s} s**`,
            Math.round((r.attempts * 1000) / r.settleMs),
            `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} / ${r.max.toFixed(0)} ms`,
            r.booked,
            r.refused,
            `**${r.errors}**`,
            `**${r.overbooked}**`,
            r.consistent ? 'yes' : 'NO',
          ],
        ],
      ) +
      `\n\nServer time: ${serverTime(r)}; the other attempts were refused by the free-bed check before ` +
      'verification (a refusal needs no signature; a bed is only ever given by the atomic ' +
      '`UPDATE … SET free = free - 1 WHERE free > 0 RETURNING`). ' +
      `Peak RSS of the instance: ${r.peakRssMb} MB. Preparation (untimed: people, certificates, logins, documents, signatures): ${(r.prepMs / 1000).toFixed(1)} s.`,
    targets: [
      { what: 'bed rush settled', target: '≤ 10 s', measured: `${s} s`, met: r.settleMs <= 10_000 },
      {
        what: 'bed rush errors and overbookings',
        target: '0 and 0',
        measured: `${r.errors} and ${r.overbooked}`,
        met: r.errors === 0 && r.overbooked === 0 && r.consistent,
      },
      {
        what: 'peak RSS of the instance through the logins and the rush',
        target: '≤ 250 MB',
        measured: `${r.peakRssMb} MB`,
        met: r.peakRssMb <= 250,
      },
    ],
  };
}

/** Signed order submissions per second: every attempt finds a bed, so every one is verified and committed. */
export async function signedOrders(
  attempts = arg('orders', 600),
  departments = arg('departments', 12),
  sockets = arg('sockets', 64),
  warmup = arg('warmup', 1500),
): Promise<Section> {
  const load = load1();
  const r = await signedEnrolments({ attempts, beds: attempts, departments, sockets, warmup });
  const two = await signedEnrolments({
    attempts,
    beds: attempts,
    departments,
    sockets,
    warmup,
    workers: 2,
  });
  const rateOf = (x: EnrolmentRun) => (x.booked * 1000) / x.settleMs;
  const cpuOf = (x: EnrolmentRun) => x.serverCpuMs / Math.max(1, x.booked);
  const rate = rateOf(r);
  const cpuPerOrder = cpuOf(r);
  const row = (name: string, x: EnrolmentRun) => [
    name,
    x.booked,
    x.errors + x.refused,
    `${(x.settleMs / 1000).toFixed(2)} s`,
    `**${rateOf(x).toFixed(0)}**`,
    `${cpuOf(x).toFixed(1)} ms`,
    `${x.p50.toFixed(0)} / ${x.p99.toFixed(0)} / ${x.max.toFixed(0)} ms`,
  ];
  return {
    title: 'Signed order submissions',
    command: 'npm run bench:msu -- --orders-only',
    body:
      `${r.attempts} signed МСУ orders («Записаться») by as many distinct recipients, spread over ${r.departments} departments ` +
      `with a bed for each, fired at once through ${r.sockets} keep-alive connections against one instance in a child process ` +
      '(production mode): first one process (`dist/src/server.js`), then, on a new stand, two web workers ' +
      '(`dist/src/cluster.js`, WEB_CONCURRENCY=2). ' +
      `Before the timed part each server takes ${warmup} signed orders by other recipients ` +
      'the same way (untimed, into a department of their own), so that the signed path is compiled when the clock starts ' +
      `(those first orders after the start, cold: ${r.warmupRate.toFixed(0)} orders/s and ${r.warmupCpuMs.toFixed(1)} ms of server CPU each ` +
      `with one process; ${two.warmupRate.toFixed(0)}/s and ${two.warmupCpuMs.toFixed(1)} ms with 2 workers). ` +
      'Each submission is a full signed step: CSRF, session, the XML signature verified ' +
      '(chain, CRL, key usage, IIN, reference against the issued document), the order, the bed and the signed document ' +
      `committed in one transaction. Load average ${load} before the run.\n\n` +
      table(
        [
          'server',
          'orders committed',
          'errors',
          'wall time',
          'signed orders/s',
          'server CPU/order',
          'p50 / p99 / max',
        ],
        [row('one process', r), row('2 workers', two)],
      ) +
      `\n\nServer time (one process): ${serverTime(r)}. Peak RSS of the instance: ${r.peakRssMb} MB. ` +
      `CPU per signed order: the server's utime + stime from /proc/<pid>/stat (with its workers for the cluster) over the ` +
      `timed window, divided by the orders committed. Statements of one signed step ` +
      `(counted at the pg driver on the same services in the bench process, from the department's pre-check ` +
      `to COMMIT): **${r.stepStatements}**; with the request's own (the session read at most once, none when the ` +
      `instance kept it from the page before; the signed-post limit) the POST sends at most ${r.stepStatements + 2} ` +
      `(asserted by test/integration/msu/statements.test.ts).`,
    targets: [
      {
        what: 'signed orders per second, one process',
        target: '≥ 120',
        measured: rate.toFixed(0),
        met: rate >= 120,
      },
      {
        what: 'server CPU per signed order',
        target: '≤ 6 ms',
        measured: `${cpuPerOrder.toFixed(1)} ms`,
        met: cpuPerOrder <= 6,
      },
      {
        what: 'statements per signed step',
        target: '≤ 10',
        measured: String(r.stepStatements),
        met: r.stepStatements <= 10,
      },
      {
        what: 'signed orders all committed (one process and 2 workers)',
        target: `${r.attempts} of ${r.attempts}, 0 errors`,
        measured: `${r.booked} and ${two.booked}, ${r.errors + r.refused + two.errors + two.refused} errors`,
        met:
          r.booked === r.attempts &&
          two.booked === two.attempts &&
          r.errors + two.errors === 0 &&
          r.consistent &&
          two.consistent,
      },
      {
        what: 'peak RSS of the instance through the logins and the orders',
        target: '≤ 250 MB',
        measured: `${r.peakRssMb} MB`,
        met: r.peakRssMb <= 250,
      },
    ],
  };
}

if (isMain(import.meta.url)) {
  const sections = process.argv.includes('--orders-only')
    ? [await signedOrders()]
    : [await bedRush(), ...(process.argv.includes('--rush-only') ? [] : [await signedOrders()])];
  for (const s of sections) printSection(s);
  process.exitCode = sections.every((s) => s.targets.every((t) => t.met)) ? 0 : 1;
}
