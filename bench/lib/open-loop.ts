/**
 * An open-loop load: requests leave at a fixed arrival rate whatever the server's answers do, and each
 * latency runs from the moment its request was due (not from when a free connection let it go), so a
 * server that falls behind shows it in the tail instead of slowing the load down (no coordinated
 * omission, which a closed loop of N connections has by construction).
 *
 * The client is lean on purpose: it shares the machine's cores with the server and PostgreSQL, and
 * every millisecond it spends is taken from them. node:http's client costs about 0.47 ms of CPU per
 * 30 KB answer here (a fifth of a core at 400 requests/s); this one writes the same pre-built GET on
 * keep-alive sockets and reads only the status line and Content-Length of each answer, then counts
 * the body's bytes (about 0.1 ms). An answer without Content-Length, or with more bytes than it
 * announced, counts as an error.
 */
import net from 'node:net';

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

interface Conn {
  socket: net.Socket;
  /** the request in flight: its due time, or -1 when the connection is idle */
  due: number;
  /** header bytes read so far while the head of the answer is incomplete */
  head: Buffer | null;
  /** body bytes still to come once the head is read; -1 while reading the head */
  left: number;
  status: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.alloc(256 * 1024);

export async function openLoop(
  url: URL,
  opts: { rate: number; seconds: number; headers?: Record<string, string>; timeoutMs?: number },
): Promise<OpenLoopResult> {
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n` +
      Object.entries(opts.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n',
    'latin1',
  );
  const latencies: number[] = [];
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  let errors = 0;
  let pending = 0;
  let sent = 0;
  const start = performance.now();

  return new Promise<OpenLoopResult>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(sweep);
      for (const c of all) c.socket.destroy();
      const elapsed = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      resolve({
        rate: opts.rate,
        achieved: latencies.length / elapsed,
        sent,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1]! : NaN,
        errors,
      });
    };
    const settle = (c: Conn, ok: boolean) => {
      if (ok && c.status === 200) latencies.push(performance.now() - c.due);
      else errors++;
      c.due = -1;
      c.head = null;
      c.left = -1;
      pending--;
      if (ok) idle.push(c);
      else c.socket.destroy();
      if (sent === total && pending === 0) finish();
    };
    const drop = (c: Conn) => {
      all.delete(c);
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (c.due >= 0) settle(c, false);
    };
    const read = (c: Conn, chunk: Buffer) => {
      if (c.due < 0) return drop(c); // bytes nobody asked for
      if (c.left < 0) {
        const head = c.head ? Buffer.concat([c.head, chunk]) : chunk;
        const end = head.indexOf(HEAD_END);
        if (end < 0) {
          c.head = Buffer.from(head); // a copy: the read buffer is reused
          return;
        }
        const text = head.toString('latin1', 0, end);
        const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text);
        if (!length) return settle(c, false);
        c.status = Number(text.slice(9, 12));
        c.head = null;
        c.left = Number(length[1]) - (head.length - end - 4);
      } else {
        c.left -= chunk.length;
      }
      if (c.left === 0) settle(c, true);
      else if (c.left < 0) settle(c, false);
    };
    const connect = (): Conn => {
      // the answers are read into one buffer that is never handed out: no allocation per read
      const socket = net.connect({
        port: Number(url.port || 80),
        host: url.hostname,
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (n: number) => {
            read(c, READ_BUFFER.subarray(0, n));
            return true;
          },
        },
      });
      const c: Conn = { socket, due: -1, head: null, left: -1, status: 0 };
      all.add(c);
      socket.on('error', () => drop(c));
      socket.on('close', () => drop(c));
      return c;
    };
    const fire = (due: number) => {
      pending++;
      const c = idle.pop() ?? connect();
      c.due = due;
      c.left = -1;
      c.socket.write(request);
    };
    // requests unanswered after timeoutMs fail (their sockets are closed)
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const c of all) if (c.due >= 0 && now - c.due > timeoutMs) settle(c, false);
    }, 250);
    // a tick every millisecond or so sends every request whose time has come, each timed from its due time
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else if (pending === 0) finish();
    };
    tick();
  });
}
