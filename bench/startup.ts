/**
 * Time from `npm start` to the first served page: cold (empty data folder: initdb, migrations, PKI,
 * demo data) and warm (the same folder again, median of 3). `npm run bench:startup` (uses a free port).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../src/db/embedded.js';
import { ROOT, isMain, load1, median, printSection, table, tempDir, type Section } from './lib/common.js';

async function startOnce(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  let ms = -1;
  for (let i = 0; i < 1200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (ms < 0) throw new Error('the portal did not answer within 60 s');
  return ms;
}

export async function startup(): Promise<Section> {
  const dataDir = tempDir('bench-start-');
  try {
    const load = load1();
    const cold = await startOnce(dataDir);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push(await startOnce(dataDir));
    return {
      title: 'Start-up',
      command: 'npm run bench:startup',
      body:
        'Time from `npm start` to the first served page (`GET /` = 200), with an empty `DATA_DIR` (cold: initdb, ' +
        'migrations, the dev-stand PKI of every demo person and the bad keys, demo data) and then the same folder ' +
        `again (warm, median of 3). Load average ${load} before the run.\n\n` +
        table(
          ['cold', 'warm (median of 3)'],
          [[`**${(cold / 1000).toFixed(2)} s**`, `**${(median(warm) / 1000).toFixed(2)} s**`]],
        ),
      targets: [
        {
          what: 'cold start',
          target: '≤ 15 s',
          measured: `${(cold / 1000).toFixed(2)} s`,
          met: cold <= 15_000,
        },
      ],
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printSection(await startup());
