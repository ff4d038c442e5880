/**
 * An open-loop load: requests leave at a fixed arrival rate whatever the server's answers do, and each
 * latency runs from the moment its request was due (not from when a free connection let it go), so a
 * server that falls behind shows it in the tail instead of slowing the load down (no coordinated
 * omission, which a closed loop of N connections has by construction).
 */
import http from 'node:http';

export interface OpenLoopResult {
  /** arrivals per second asked for */
  rate: number;
  /** requests answered per second over the window */
  achieved: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
  /** answers that were not 200, and requests that failed or were still unanswered at the end */
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function openLoop(
  url: URL,
  opts: { rate: number; seconds: number; headers?: Record<string, string>; timeoutMs?: number },
): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  let errors = 0;
  let pending = 0;
  const start = performance.now();
  let sent = 0;
  const done = new Promise<void>((resolve) => {
    const settle = () => {
      pending--;
      if (sent === total && pending === 0) resolve();
    };
    const fire = (due: number) => {
      pending++;
      const req = http.get(url, { agent, headers: opts.headers, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - due);
          else errors++;
          settle();
        });
        res.on('error', () => {
          errors++;
          settle();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        settle();
      });
    };
    // a tick every millisecond or so sends every request whose time has come, each timed from its due time
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else if (pending === 0) resolve();
    };
    tick();
  });
  await done;
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rate: opts.rate,
    achieved: latencies.length / elapsed,
    sent,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1]! : NaN,
    errors,
  };
}
