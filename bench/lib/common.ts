/** What every benchmark script shares: arguments, statistics, the machine's description, the report's shape. */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A numeric `--name value` argument of the command line, or the default. */
export function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : def;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (nearest rank). */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Runs fn over items with n workers. */
export async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

export const load1 = (): string => os.loadavg()[0]!.toFixed(1);

/** RSS and peak RSS (VmHWM) of a process, in MB, from /proc. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) =>
    Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(k)) ?? '')?.[0] ?? 0);
  return { rss: Math.round(kb('VmRSS:') / 1024), peak: Math.round(kb('VmHWM:') / 1024) };
}

/** A temporary folder PostgreSQL (which runs as its own user when we are root) may enter. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** One section of docs/benchmarks.md: a heading, the command, the figures, whether the targets were met. */
export interface Section {
  title: string;
  command: string;
  /** markdown: the table and what it means */
  body: string;
  /** each target with the measured figure and whether it was met */
  targets: { what: string; target: string; measured: string; met: boolean }[];
}

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function printSection(s: Section): void {
  console.log(`\n## ${s.title}\n\`${s.command}\`\n\n${s.body}\n`);
  for (const t of s.targets)
    console.log(`${t.met ? 'met    ' : 'MISSED '} ${t.what}: ${t.measured} (target ${t.target})`);
}

/** True when the module at url is the script node was started with. */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(url);
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Waits until url answers 200 (at most `seconds`). */
export async function waitFor(url: string, seconds = 120): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/**
 * Until the dev stand's demo keys are on disk: a portal started on an empty data folder answers
 * before it has made them (npm start makes them in the background), and a benchmark that logs in
 * with them, or measures CPU, waits for the generation to be over.
 */
export async function waitForDemoKeys(dataDir: string, seconds = 300): Promise<void> {
  const manifest = path.join(dataDir, 'keys', 'manifest.json');
  const until = Date.now() + seconds * 1000;
  while (!fs.existsSync(manifest)) {
    if (Date.now() > until) throw new Error(`the demo keys were not made within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The compiled server the page and memory figures are taken on: the production build with the dev
 * stand (`npm run build:devstand`), since the page benchmark runs it on the demo data and keys.
 */
let built = false;
export async function build(): Promise<void> {
  if (built) return;
  const { execSync } = await import('node:child_process');
  execSync('npm run build:devstand', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

/** The node flags of `npm run start:prod`: the benchmarks run the server exactly as production does. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (pkg.scripts['start:prod'] ?? '').split(/\s+/);
  return words.filter((w) => w.startsWith('--'));
}

/** A temporary data folder with its own embedded PostgreSQL (database `bench`); `remove()` stops and deletes both. */
export async function benchStand(
  prefix: string,
): Promise<{ dataDir: string; url: string; remove: () => Promise<void> }> {
  const { startEmbeddedPostgres } = await import('../../src/db/embedded.js');
  const dataDir = tempDir(prefix);
  const pg = await startEmbeddedPostgres({
    dir: path.join(dataDir, 'pg'),
    ephemeral: true,
    database: 'bench',
  });
  return {
    dataDir,
    url: pg.url,
    remove: async () => {
      await pg.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
