/**
 * Time from `npm start` to the first served page: cold (empty data folder: initdb, migrations, PKI,
 * demo data) and warm (the same folder again). Run: `npx tsx bench/startup.ts` (uses port 3999).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = Number(process.env.BENCH_PORT ?? 3999);

async function startOnce(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  let ms = -1;
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/`, { signal: AbortSignal.timeout(1000) });
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
  if (ms < 0) throw new Error('the portal did not answer within 30 s');
  return ms;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-start-'));
fs.chmodSync(dataDir, 0o755);
try {
  const cold = await startOnce(dataDir);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(await startOnce(dataDir));
  warm.sort((a, b) => a - b);
  console.log(`cold start (empty DATA_DIR) to first page: ${(cold / 1000).toFixed(2)} s`);
  console.log(`warm start, median of 3:                  ${(warm[1]! / 1000).toFixed(2)} s`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
