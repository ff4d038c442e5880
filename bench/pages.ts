/**
 * The authenticated, database-backed page «Помощь для вас» (/help) beside a bare Express + Nunjucks render
 * of the same template with the same data, in the same run, both with the node flags of
 * `npm run start:prod`; then the portal with one worker per core; and the memory of one instance.
 *
 * - The portal is the compiled production entry (`dist/src/server.js`, one process; then
 *   `dist/src/cluster.js` with WEB_CONCURRENCY=2), logging at info, jobs running, dev-stand adapters
 *   (NODE_ENV=test), on its own embedded PostgreSQL in a temporary folder; a recipient logged in
 *   through the real EDS login.
 * - The bare server (bench/lib/bare-server.ts) is another process with the same node flags: it captures
 *   one real render of the page and serves that template with that data from a bare Express + Nunjucks app.
 * - Each server is warmed up (≥ 30 s) before it is measured, so JIT work stays out of the window.
 * - Closed loop: autocannon, N connections, alternating rounds (bare, portal); medians. Beside req/s the
 *   CPU each request cost from /proc: the server process (all threads) and PostgreSQL.
 * - Open loop: fixed arrival rates (bench/lib/open-loop.ts), latency from each request's due time.
 *
 *   npm run bench:pages [-- --rounds 3 --seconds 8 --connections 50 --warmup 30 --open 10]
 *
 * Profile: `PERF_RECORD=/tmp/portal.perf npm run bench:pages` starts the one-process portal with
 * `--perf-basic-prof` (JIT code gets names in /tmp/perf-<pid>.map) and records its first closed-loop round
 * with `perf record -g`; then `perf report -i /tmp/portal.perf --no-children --sort dso,symbol`.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../src/db/embedded.js';
import { devKey } from '../src/devstand/pki.js';
import { Client } from './lib/client.js';
import {
  ROOT,
  arg,
  build,
  isMain,
  load1,
  median,
  memoryOf,
  productionNodeFlags,
  printSection,
  table,
  benchStand,
  waitFor,
  waitForDemoKeys,
  type Section,
} from './lib/common.js';
import { postgresCpuMs, treeCpuMs } from './lib/cpu.js';
import { profileFlags, record, stop } from './lib/perf.js';
import { openLoop, type OpenLoopResult } from './lib/open-loop.js';

const PAGE = '/help';
const PERSON = 'r01';
const RATES = [100, 200, 300, 400];
const P99_TARGET_MS = 100;
const ONE_PROCESS_RATE = 200;
const CLUSTER_RATE = 400;
const CLUSTER_WORKERS = 2;

interface Round {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU ms per request: the server's processes, and PostgreSQL's */
  cpu: number;
  pgCpu: number;
}

interface OpenRound extends OpenLoopResult {
  cpu: number;
  pgCpu: number;
}

interface Target {
  url: string;
  pid: number;
  cookie?: string;
}

/** CPU ms per request of the server and of PostgreSQL over what `run` did (`count` = requests it made). */
async function withCpu<T>(
  t: Target,
  pgDir: string,
  run: () => Promise<T>,
  count: (r: T) => number,
): Promise<T & { cpu: number; pgCpu: number }> {
  const cpu0 = treeCpuMs(t.pid);
  const pg0 = postgresCpuMs(pgDir);
  const r = await run();
  const n = Math.max(1, count(r));
  return { ...r, cpu: (treeCpuMs(t.pid) - cpu0) / n, pgCpu: (postgresCpuMs(pgDir) - pg0) / n };
}

async function closed(t: Target, pgDir: string, seconds: number, connections: number): Promise<Round> {
  return withCpu(
    t,
    pgDir,
    async () => {
      const r = await autocannon({
        url: t.url + PAGE,
        connections,
        duration: seconds,
        headers: { accept: 'text/html', ...(t.cookie ? { cookie: t.cookie } : {}) },
      });
      return {
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.non2xx,
        total: r.requests.total,
      };
    },
    (r) => r.total,
  );
}

async function open(t: Target, pgDir: string, rate: number, seconds: number): Promise<OpenRound> {
  return withCpu(
    t,
    pgDir,
    () =>
      openLoop(new URL(t.url + PAGE), {
        rate,
        seconds,
        headers: { accept: 'text/html', ...(t.cookie ? { cookie: t.cookie } : {}) },
      }),
    (r) => r.sent,
  );
}

function startPortal(
  entry: 'server' | 'cluster',
  stand: { url: string; dataDir: string },
  port: number,
): ChildProcess {
  const profile = entry === 'server' ? profileFlags() : [];
  return spawn('node', [...productionNodeFlags(), ...profile, `dist/src/${entry}.js`], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: stand.url,
      DATA_DIR: stand.dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      LOGIN_RATE_LIMIT: '1000',
      WEB_CONCURRENCY: String(CLUSTER_WORKERS),
    },
    // the request log goes nowhere, as to a log shipper that keeps up
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—');
const cpuMs = (x: number) => `${x.toFixed(2)} ms`;

function openTable(rows: { name: string; r: OpenRound }[]): string {
  return table(
    [
      'server',
      'offered/s',
      'answered/s',
      'p50',
      'p99',
      'max',
      'server CPU/req',
      'PostgreSQL CPU/req',
      'errors',
    ],
    rows.map(({ name, r }) => [
      name,
      r.rate,
      r.achieved.toFixed(0),
      ms(r.p50),
      `**${ms(r.p99)}**`,
      ms(r.max),
      cpuMs(r.cpu),
      cpuMs(r.pgCpu),
      r.errors,
    ]),
  );
}

export async function pageThroughput(
  opts: { rounds?: number; seconds?: number; connections?: number; warmup?: number; open?: number } = {},
): Promise<Section[]> {
  const rounds = opts.rounds ?? arg('rounds', 3);
  const seconds = opts.seconds ?? arg('seconds', 8);
  const connections = opts.connections ?? arg('connections', 50);
  const warmup = opts.warmup ?? arg('warmup', 30);
  const openSeconds = opts.open ?? arg('open', 10);
  await build();
  const stand = await benchStand('bench-pages-');
  const { dataDir } = stand;
  const pgDir = path.join(dataDir, 'pg');
  let portal: ChildProcess | null = null;
  let bare: ChildProcess | null = null;
  try {
    const port = await freePort();
    portal = startPortal('server', stand, port);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`);
    await waitForDemoKeys(dataDir);

    bare = fork(path.join(ROOT, 'bench', 'lib', 'bare-server.ts'), [], {
      execArgv: [...productionNodeFlags(), '--import', 'tsx'],
      env: {
        ...process.env,
        DATABASE_URL: stand.url,
        DATA_DIR: dataDir,
        BARE_PATH: PAGE,
        BARE_PERSON: PERSON,
      },
    });
    const { port: barePort, bytes } = await new Promise<{ port: number; bytes: number }>(
      (resolve, reject) => {
        bare!.once('message', (m: { port: number; bytes: number }) => resolve(m));
        bare!.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
      },
    );

    const client = new Client(new URL(base), new http.Agent({ keepAlive: false }));
    await client.login(devKey(dataDir, PERSON, 'AUTH'));
    await client.request('GET', '/welcome');
    const page = await client.request('GET', PAGE);
    if (page.status !== 200) throw new Error(`${PAGE} answered ${page.status}`);
    const cookie = client.cookieHeader();
    const bareT: Target = { url: `http://127.0.0.1:${barePort}`, pid: bare.pid! };
    const portalT: Target = { url: base, pid: portal.pid!, cookie };

    const idle = memoryOf(portal.pid!).rss;
    await closed(bareT, pgDir, warmup, connections);
    await closed(portalT, pgDir, warmup, connections);
    const b: Round[] = [];
    const p: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      b.push(await closed(bareT, pgDir, seconds, connections));
      const perf = i === 0 ? record(portal.pid!) : null;
      p.push(await closed(portalT, pgDir, seconds, connections));
      await perf?.stop();
    }
    const openBare: OpenRound[] = [];
    const openPortal: OpenRound[] = [];
    for (const rate of RATES) {
      openBare.push(await open(bareT, pgDir, rate, openSeconds));
      openPortal.push(await open(portalT, pgDir, rate, openSeconds));
    }
    const after = memoryOf(portal.pid!);
    await stop(bare, () => bare!.send('stop'));
    await stop(portal, () => portal!.kill('SIGTERM'));
    bare = null;

    // the same page with one worker per core (node:cluster), the same session
    portal = startPortal('cluster', stand, port);
    await waitFor(`${base}/readyz`);
    const clusterT: Target = { url: base, pid: portal.pid!, cookie };
    await closed(clusterT, pgDir, warmup, connections);
    const c = await closed(clusterT, pgDir, seconds, connections);
    const openCluster: OpenRound[] = [];
    for (const rate of RATES) openCluster.push(await open(clusterT, pgDir, rate, openSeconds));

    const m = (xs: Round[], k: keyof Round) => median(xs.map((x) => x[k]));
    const ratio = m(p, 'rps') / m(b, 'rps');
    const at = (xs: OpenRound[], rate: number) => xs.find((x) => x.rate === rate)!;
    const oneP99 = at(openPortal, ONE_PROCESS_RATE);
    const clusterP99 = at(openCluster, CLUSTER_RATE);
    const errors = [...p, ...b, c].reduce((a, x) => a + x.errors, 0);
    const openErrors = [...openPortal, ...openCluster].reduce((a, x) => a + x.errors, 0);
    const row = (name: string, xs: Round[]) => [
      name,
      `**${m(xs, 'rps').toFixed(0)}**`,
      ms(m(xs, 'p50')),
      ms(m(xs, 'p99')),
      cpuMs(m(xs, 'cpu')),
      cpuMs(m(xs, 'pgCpu')),
      xs.map((x) => x.rps.toFixed(0)).join(', '),
      xs.reduce((a, x) => a + x.errors, 0),
    ];
    const loadNote = `load average ${load1()} after the run, ${os.cpus().length} cores`;
    const flags = productionNodeFlags().join(' ');
    const pageSection: Section = {
      title: 'Authenticated database-backed page («Помощь для вас»)',
      command: 'npm run bench:pages',
      body:
        `\`GET ${PAGE}\` (${Math.round(bytes / 1024)} KB) as a recipient logged in through the real EDS login: session in PostgreSQL (kept in memory between a person's requests), ` +
        'CSRF, helmet, request logging at info, i18n, notices, the IPR queries; against a bare Express + Nunjucks ' +
        'server rendering the same template with the data of a real render. Both are separate processes started with ' +
        `the node flags of \`npm run start:prod\` (\`${flags}\`), each warmed up for ${warmup} s before it is measured. ` +
        'CPU per request is read from `/proc` (user + system of every thread of the server; PostgreSQL: the postmaster, ' +
        `its backends and those it reaped) over the measured window. ${loadNote}.\n\n` +
        `**Closed loop**: autocannon in the bench process, ${connections} connections, ${rounds} alternating rounds of ${seconds} s; medians.\n\n` +
        table(
          [
            'server',
            'req/s',
            'p50',
            'p99',
            'server CPU/req',
            'PostgreSQL CPU/req',
            'req/s per round',
            'errors',
          ],
          [
            row('bare Express + Nunjucks, same template and data', b),
            row('portal, one process (`dist/src/server.js`)', p),
            row(`portal, ${CLUSTER_WORKERS} workers (\`dist/src/cluster.js\`)`, [c]),
          ],
        ) +
        `\n\nThroughput ratio portal/bare **${ratio.toFixed(2)}** (target ≥ 0.50); ${CLUSTER_WORKERS} workers/one process ` +
        `${(c.rps / m(p, 'rps')).toFixed(2)}.\n\n` +
        `**Open loop**: requests leave at a fixed rate for ${openSeconds} s whatever the answers do; each latency runs from ` +
        'the moment its request was due (bench/lib/open-loop.ts), so a server that falls behind shows it in the tail.\n\n' +
        openTable([
          ...openBare.map((r) => ({ name: 'bare', r })),
          ...openPortal.map((r) => ({ name: 'portal, one process', r })),
          ...openCluster.map((r) => ({ name: `portal, ${CLUSTER_WORKERS} workers`, r })),
        ]),
      targets: [
        {
          what: 'page throughput vs bare (same flags)',
          target: '≥ 0.50',
          measured: ratio.toFixed(2),
          met: ratio >= 0.5,
        },
        {
          what: `page p99 at ${ONE_PROCESS_RATE} views/s open loop, one process`,
          target: `≤ ${P99_TARGET_MS} ms`,
          measured: `${ms(oneP99.p99)} (${oneP99.errors} errors)`,
          met: oneP99.p99 <= P99_TARGET_MS && oneP99.errors === 0,
        },
        {
          what: `page p99 at ${CLUSTER_RATE} views/s open loop, ${CLUSTER_WORKERS} workers`,
          target: `≤ ${P99_TARGET_MS} ms`,
          measured: `${ms(clusterP99.p99)} (${clusterP99.errors} errors)`,
          met: clusterP99.p99 <= P99_TARGET_MS && clusterP99.errors === 0,
        },
        {
          what: 'page errors (closed and open loop)',
          target: '0',
          measured: String(errors + openErrors),
          met: errors + openErrors === 0,
        },
      ],
    };
    const memorySection: Section = {
      title: 'Memory per instance under load',
      command: 'npm run bench:pages',
      body:
        `RSS of the one-process portal of the page benchmark above (\`node ${flags} dist/src/server.js\`, ` +
        `jobs running), from \`/proc/<pid>/status\`: before the load, at its peak (VmHWM) and after the closed ` +
        `and open rounds.\n\n` +
        table(
          ['idle', 'peak under load', 'after the load', `pages served`],
          [
            [
              `${idle} MB`,
              `**${after.peak} MB**`,
              `${after.rss} MB`,
              Math.round(
                p.reduce((a, x) => a + x.rps * (seconds + 0), 0) + openPortal.reduce((a, x) => a + x.sent, 0),
              ),
            ],
          ],
        ),
      targets: [
        {
          what: 'peak RSS of one instance under load',
          target: '≤ 250 MB',
          measured: `${after.peak} MB`,
          met: after.peak <= 250,
        },
      ],
    };
    return [pageSection, memorySection];
  } finally {
    if (bare) await stop(bare, () => bare!.send('stop'));
    if (portal) await stop(portal, () => portal!.kill('SIGTERM'));
    await stand.remove();
  }
}

if (isMain(import.meta.url)) {
  const sections = await pageThroughput();
  for (const s of sections) printSection(s);
}
