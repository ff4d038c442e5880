/**
 * The authenticated, database-backed page «Помощь для вас» (/help) under 50 connections, beside a bare
 * Express + Nunjucks render of the same template with the same data, in the same run; and the memory
 * of that portal instance under the load.
 *
 * - The portal is the compiled production entry with the node flags of `npm run start:prod`, logging
 *   at info, jobs running, dev-stand adapters (NODE_ENV=test), on its
 *   own embedded PostgreSQL in a temporary folder; a recipient logged in through the real EDS login.
 * - The bare server (bench/lib/bare-server.ts) is another process: it captures one real render of the
 *   page and serves that template with that data from a bare Express + Nunjucks app.
 * - autocannon runs in this process: warm-up, then alternating rounds (bare, portal); medians.
 *
 *   npm run bench:pages [-- --rounds 3 --seconds 8 --connections 50]
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
  type Section,
} from './lib/common.js';

const PAGE = '/help';
const PERSON = 'r01';
const P99_TARGET_MS = 50;

interface Round {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number, cookie?: string): Promise<Round> {
  const r = await autocannon({
    url: url + PAGE,
    connections,
    duration: seconds,
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

function stop(child: ChildProcess, how: () => void): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  how();
  return exited;
}

export async function pageThroughput(
  opts: { rounds?: number; seconds?: number; connections?: number } = {},
): Promise<Section[]> {
  const rounds = opts.rounds ?? arg('rounds', 3);
  const seconds = opts.seconds ?? arg('seconds', 8);
  const connections = opts.connections ?? arg('connections', 50);
  await build();
  const stand = await benchStand('bench-pages-');
  const { dataDir } = stand;
  let portal: ChildProcess | null = null;
  let bare: ChildProcess | null = null;
  try {
    const port = await freePort();
    portal = spawn('node', [...productionNodeFlags(), 'dist/src/server.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: stand.url,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        LOGIN_RATE_LIMIT: '1000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`);

    bare = fork(path.join(ROOT, 'bench', 'lib', 'bare-server.ts'), [], {
      execArgv: ['--import', 'tsx'],
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
    const bareUrl = `http://127.0.0.1:${barePort}`;

    const client = new Client(new URL(base), new http.Agent({ keepAlive: false }));
    await client.login(devKey(dataDir, PERSON, 'AUTH'));
    await client.request('GET', '/welcome');
    const page = await client.request('GET', PAGE);
    if (page.status !== 200) throw new Error(`${PAGE} answered ${page.status}`);
    const cookie = client.cookieHeader();

    const idle = memoryOf(portal.pid!).rss;
    await load(bareUrl, 3, connections);
    await load(base, 3, connections, cookie);
    const b: Round[] = [];
    const p: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      b.push(await load(bareUrl, seconds, connections));
      p.push(await load(base, seconds, connections, cookie));
    }
    const after = memoryOf(portal.pid!);
    const m = (xs: Round[], k: keyof Round) => median(xs.map((x) => x[k]));
    const ratio = m(p, 'rps') / m(b, 'rps');
    const p99Ratio = m(p, 'p99') / m(b, 'p99');
    const errors = p.reduce((a, x) => a + x.errors, 0) + b.reduce((a, x) => a + x.errors, 0);
    const row = (name: string, xs: Round[]) => [
      name,
      `**${m(xs, 'rps').toFixed(0)}**`,
      `${m(xs, 'p50').toFixed(0)} ms`,
      `**${m(xs, 'p99').toFixed(0)} ms**`,
      xs.map((x) => x.rps.toFixed(0)).join(', '),
      xs.reduce((a, x) => a + x.errors, 0),
    ];
    const loadNote = `load average ${load1()} after the run, ${os.cpus().length} cores`;
    const pageSection: Section = {
      title: 'Authenticated database-backed page («Помощь для вас»)',
      command: 'npm run bench:pages',
      body:
        `\`GET ${PAGE}\` (${Math.round(bytes / 1024)} KB) as a recipient logged in through the real EDS login: session in PostgreSQL, ` +
        'CSRF, helmet, request logging at info, i18n, notices, the IPR queries; against a bare Express + Nunjucks ' +
        'server rendering the same template with the data of a real render. Both are separate processes; ' +
        `autocannon in the bench process, ${connections} connections, ${rounds} alternating rounds of ${seconds} s after a warm-up; medians; ${loadNote}.\n\n` +
        table(
          ['server', 'req/s', 'p50', 'p99', 'req/s per round', 'errors'],
          [
            row('bare Express + Nunjucks, same template and data', b),
            row('portal (compiled, production entry)', p),
          ],
        ) +
        `\n\nThroughput ratio **${ratio.toFixed(2)}** (target ≥ 0.50); p99 ratio ${p99Ratio.toFixed(2)} (quality.md: ≤ 2); ` +
        `portal p99 ${m(p, 'p99').toFixed(0)} ms (issue target ≤ ${P99_TARGET_MS} ms). ` +
        'The bare server renders with the data of the captured render, the portal’s own translation function ' +
        'included, so every speed-up of the template helps both alike; what separates them is the per-request work ' +
        'of a logged-in page (the session read from PostgreSQL and its signed cookie, two queries through knex, ' +
        'CSRF, helmet, request logging) on one single-threaded process.',
      targets: [
        { what: 'page throughput vs bare', target: '≥ 0.50', measured: ratio.toFixed(2), met: ratio >= 0.5 },
        {
          what: 'page p99 at 50 connections',
          target: `≤ ${P99_TARGET_MS} ms`,
          measured: `${m(p, 'p99').toFixed(0)} ms`,
          met: m(p, 'p99') <= P99_TARGET_MS,
        },
        { what: 'page p99 vs bare p99', target: '≤ 2', measured: p99Ratio.toFixed(2), met: p99Ratio <= 2 },
        { what: 'page errors', target: '0', measured: String(errors), met: errors === 0 },
      ],
    };
    const memorySection: Section = {
      title: 'Memory per instance under load',
      command: 'npm run bench:pages',
      body:
        `RSS of the portal process of the page benchmark above (\`npm run start:prod\`: \`node ${productionNodeFlags().join(' ')} dist/src/server.js\`, ` +
        `jobs running), from \`/proc/<pid>/status\`: before the load, at its peak (VmHWM) and after ${rounds + 1} rounds ` +
        `of ${connections} connections.\n\n` +
        table(
          ['idle', 'peak under load', 'after the load', `pages served`],
          [
            [
              `${idle} MB`,
              `**${after.peak} MB**`,
              `${after.rss} MB`,
              Math.round(p.reduce((a, x) => a + x.rps * seconds, 0)),
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
