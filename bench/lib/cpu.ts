/**
 * CPU time from /proc, steadier than requests per second on a shared machine: a process's own CPU
 * (user + system, every thread: garbage collection and libuv's pool included), a process tree's (a
 * cluster primary and its workers), and an embedded PostgreSQL's (the postmaster, its live backends
 * and the backends it has already reaped).
 */
import fs from 'node:fs';
import path from 'node:path';

const TICK_MS = 10; // sysconf(_SC_CLK_TCK) = 100 on Linux

function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "pid (comm) ": state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14]
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process has ended since it was listed
  }
}

function ownTicks(f: string[]): number {
  return Number(f[11]) + Number(f[12]);
}

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === ppid) out.push(Number(name));
  }
  return out;
}

/** CPU ms of a process and of its live children (a cluster's primary and its workers). */
export function treeCpuMs(pid: number): number {
  const own = statFields(pid);
  if (!own) return 0;
  return (
    (ownTicks(own) + childrenOf(pid).reduce((a, c) => a + ownTicks(statFields(c) ?? ['0']), 0)) * TICK_MS
  );
}

/**
 * CPU ms of the embedded PostgreSQL whose data folder is `pgDir`: the postmaster, its live children
 * (backends, checkpointer, WAL writer…) and the children it has reaped (cutime + cstime).
 */
export function postgresCpuMs(pgDir: string): number {
  const pid = Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const f = statFields(pid);
  if (!f) return 0;
  const reaped = Number(f[13]) + Number(f[14]);
  const live = childrenOf(pid).reduce((a, c) => {
    const cf = statFields(c);
    return a + (cf ? ownTicks(cf) : 0);
  }, 0);
  return (ownTicks(f) + reaped + live) * TICK_MS;
}

/**
 * Waits until the process tree is idle: less than `idleMs` of CPU over a `windowMs` window (what a
 * warm-up left behind — outbox deliveries, a collection — ends before a measurement starts); at most
 * `maxMs`.
 */
export async function untilIdle(pid: number, idleMs = 5, windowMs = 250, maxMs = 30_000): Promise<void> {
  const end = Date.now() + maxMs;
  let before = treeCpuMs(pid);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = treeCpuMs(pid);
    if (now - before < idleMs) return;
    before = now;
  }
}
