/**
 * Time from `npm start` to the first served page: cold (empty data folder: initdb, migrations, the
 * PKI's anchors, demo data) and warm (the same folder again, median of 3); and, on the cold start,
 * until the demo people's keys, made while the portal already serves, can be downloaded.
 * `npm run bench:startup` (uses a free port).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../src/db/embedded.js';
import { ROOT, isMain, load1, median, printSection, table, tempDir, type Section } from './lib/common.js';

interface Start {
  /** `GET /` answered 200 */
  firstPage: number;
  /** a key file the first page links answered 200 (its download waits for the demo keys) */
  keysReady: number;
}

async function startOnce(dataDir: string): Promise<Start> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    let firstPage = -1;
    let page = '';
    for (let i = 0; i < 1200; i++) {
      try {
        const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) {
          firstPage = performance.now() - t0;
          page = await res.text();
          break;
        }
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (firstPage < 0) throw new Error('the portal did not answer within 60 s');
    // the last key of the start page's list (a bad key's, made with the others)
    const link = [...page.matchAll(/href="(\/dev\/keys\/[^"]+\.p12)"/g)].at(-1)?.[1];
    if (!link) throw new Error('the start page lists no demo key');
    const res = await fetch(`${base}${link}`, { signal: AbortSignal.timeout(300_000) });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || body.length < 1000) throw new Error(`${link} answered ${res.status}`);
    return { firstPage, keysReady: performance.now() - t0 };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function startup(): Promise<Section> {
  const dataDir = tempDir('bench-start-');
  try {
    const load = load1();
    const cold = await startOnce(dataDir);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await startOnce(dataDir)).firstPage);
    return {
      title: 'Start-up',
      command: 'npm run bench:startup',
      body:
        'Time from `npm start` to the first served page (`GET /` = 200), with an empty `DATA_DIR` (cold: initdb, ' +
        'migrations, the dev-stand PKI’s root, CA and CRLs, demo data) and then the same folder again (warm, ' +
        'median of 3). The demo people’s and bad keys are made after the portal listens: «keys ready» is when ' +
        'a key file the first page links (the last, its download waits for them all) answered on the cold ' +
        `start. Load average ${load} before the run.\n\n` +
        table(
          ['cold: first page', 'cold: demo keys ready', 'warm: first page (median of 3)'],
          [[`**${s(cold.firstPage)}**`, s(cold.keysReady), `**${s(median(warm))}**`]],
        ),
      targets: [
        {
          what: 'cold start',
          target: '≤ 15 s',
          measured: s(cold.firstPage),
          met: cold.firstPage <= 15_000,
        },
      ],
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printSection(await startup());
