/**
 * RSS of one compiled instance under load: `npm run build && npx tsx bench/memory.ts`.
 * Starts `node [flags] dist/src/server.js` on a fresh data folder, then 50 clients fetch /msu for 10 s.
 * BENCH_NODE_FLAGS overrides the node flags (default: those of `npm run start:prod`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = Number(process.env.BENCH_PORT ?? 3998);
const FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);
const base = `http://127.0.0.1:${PORT}`;

function rssMb(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-mem-'));
fs.chmodSync(dataDir, 0o755);
const child = spawn('node', [...FLAGS, 'dist/src/server.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(PORT),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('the server did not start');
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const idle = rssMb(child.pid!);
  const until = Date.now() + 10_000;
  let served = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < until) {
        const res = await fetch(`${base}/msu`);
        await res.text();
        if (res.ok) served++;
      }
    }),
  );
  console.log(
    `node ${FLAGS.join(' ') || '(no flags)'}: RSS idle ${idle} MB, after 10 s of 50 clients ${rssMb(child.pid!)} MB; ${served} pages served`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
