/**
 * Profiling a server the bench started: `perf record -g` of its process while the measured part runs,
 * when PERF_RECORD names the output file (the server then runs with `--perf-basic-prof`, so that its JIT
 * code has names in /tmp/perf-<pid>.map). Read it with
 * `perf report -i $PERF_RECORD --no-children --sort dso,symbol`.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Ends a child process the way `how` asks and waits for it to exit. */
export function stop(child: ChildProcess, how: () => void): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  how();
  return exited;
}

/** The node flag that names JIT code for perf, when a profile is asked for. */
export function profileFlags(): string[] {
  return process.env.PERF_RECORD ? ['--perf-basic-prof'] : [];
}

/** `perf record` of a process until `stop`, when PERF_RECORD names the output file; otherwise null. */
export function record(pid: number): { stop: () => Promise<void> } | null {
  const out = process.env.PERF_RECORD;
  if (!out) return null;
  const perf = spawn('perf', ['record', '-F', '499', '-g', '-p', String(pid), '-o', out], {
    stdio: 'ignore',
  });
  return { stop: () => stop(perf, () => perf.kill('SIGINT')) };
}
