import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT_DIR } from '../../../src/config.js';

/**
 * The pieces of the hostile-body test: multipart bodies of any size written as a stream (the test
 * process never holds them), a client that stops sending as soon as the portal answers, a /healthz
 * prober and a sampler of the portal's resident memory read from /proc.
 */

/** The node flags of `npm run start:prod`, read from package.json so that the test follows them. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const flags = pkg.scripts['start:prod']!.split(/\s+/).filter((a) => a.startsWith('--max-'));
  if (!flags.some((f) => f.startsWith('--max-old-space-size=')))
    throw new Error('start:prod has no heap cap');
  return flags;
}

/** One part of a multipart body: a text field or a file of `size` bytes (the content repeats `fill`). */
export interface Part {
  name: string;
  size: number;
  filename?: string;
  contentType?: string;
  /** the first bytes of the content (a PNG header, say); the rest is filler */
  head?: Buffer;
}

const MB = 1024 * 1024;
const FILLER = Buffer.alloc(MB, 0x61);

/** A text field with its exact value. */
export function text(name: string, value: string): Part {
  const head = Buffer.from(value, 'utf8');
  return { name, size: head.length, head };
}

/** Parts of the same shape, `count` times. */
export function many(count: number, part: (i: number) => Part): Part[] {
  return Array.from({ length: count }, (_, i) => part(i));
}

function partHeader(boundary: string, p: Part): Buffer {
  const disposition = p.filename
    ? `form-data; name="${p.name}"; filename="${p.filename}"`
    : `form-data; name="${p.name}"`;
  const type = p.filename ? `\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}` : '';
  return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`);
}

/** The body as chunks of at most 1 MB, generated on demand, and its exact length. */
export function multipart(parts: Part[]): {
  boundary: string;
  length: number;
  chunks: () => Generator<Buffer>;
} {
  const boundary = `----hostile${crypto.randomBytes(8).toString('hex')}`;
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length = parts.reduce((n, p) => n + partHeader(boundary, p).length + p.size + 2, 0) + tail.length;
  function* chunks(): Generator<Buffer> {
    for (const p of parts) {
      yield partHeader(boundary, p);
      let left = p.size;
      if (p.head) {
        const h = p.head.subarray(0, left);
        yield h;
        left -= h.length;
      }
      while (left > 0) {
        const n = Math.min(left, MB);
        yield FILLER.subarray(0, n);
        left -= n;
      }
      yield Buffer.from('\r\n');
    }
    yield tail;
  }
  return { boundary, length, chunks };
}

export interface Answer {
  /** the status, or null when the connection ended without one */
  status: number | null;
  /** bytes of the body sent before the answer came (or the connection ended) */
  sent: number;
  ms: number;
  error?: string;
}

/**
 * POSTs a multipart body as fast as the portal reads it and stops writing the moment an answer
 * arrives, as a client that reads its responses would (browsers do the same on an early answer).
 */
export function postMultipart(
  baseUrl: string,
  urlPath: string,
  parts: Part[],
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = multipart(parts);
  const t0 = Date.now();
  return new Promise((resolve) => {
    let status: number | null = null;
    let sent = 0;
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      resolve({ status, sent, ms: Date.now() - t0, ...(error && status === null ? { error } : {}) });
      req.destroy();
    };
    const req = http.request(`${baseUrl}${urlPath}`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${body.boundary}`,
        'content-length': String(body.length),
        accept: 'text/html',
      },
    });
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      res.resume();
      res.on('end', () => finish());
      res.on('error', () => finish());
    });
    req.on('error', (err) => finish(err.message));
    req.setTimeout(120_000, () => finish('client timeout'));
    void (async () => {
      for (const chunk of body.chunks()) {
        if (done || status !== null) return;
        sent += chunk.length;
        if (!req.write(chunk)) await drained(req);
      }
      if (!done) req.end();
    })();
  });
}

/** Resolves when the request can take more, or it was answered or closed (listeners removed after). */
function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      req.off('response', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
    req.on('response', done);
  });
}

/** Polls a condition until it holds or `ms` pass; returns whether it held. */
export async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** A GET of /healthz with its latency; status null when it did not answer within `timeoutMs`. */
export function healthz(baseUrl: string, timeoutMs = 5000): Promise<{ status: number | null; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, ms: Date.now() - t0 }));
    });
    req.on('error', () => resolve({ status: null, ms: Date.now() - t0 }));
    req.setTimeout(timeoutMs, () => req.destroy());
  });
}

/** Resident memory of a process in MB (VmRSS), or null once it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * While `work` runs: /healthz every 100 ms and the portal's RSS every 25 ms. Returns what work
 * returned with the peak RSS and every /healthz answer.
 */
export async function watched<T>(
  baseUrl: string,
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number; health: { status: number | null; ms: number }[] }> {
  let peak = rssMb(pid) ?? 0;
  let running = true;
  const health: { status: number | null; ms: number }[] = [];
  const sampler = setInterval(() => {
    const r = rssMb(pid);
    if (r !== null) peak = Math.max(peak, r);
  }, 25);
  const prober = (async () => {
    while (running) {
      health.push(await healthz(baseUrl));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const result = await work();
    return { result, peakRssMb: Math.round(peak), health };
  } finally {
    running = false;
    clearInterval(sampler);
    await prober;
  }
}

/** Every file under a folder (recursively); none when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

export { MB };
