import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { ROOT_DIR } from '../../../src/config.js';
import { signXml } from '../../../src/eds/index.js';
import { devKey } from '../../../src/devstand/pki.js';
import { csrfFrom, signFormFrom } from '../../support/http.js';

/**
 * The pieces of the crash test: the portal as a child process that can be killed for real, a stand-in
 * for Е-Собес that records every delivery and applies each idempotency key once, and a client that
 * logs in and signs over real HTTP.
 */

export { freePort } from '../../../src/db/embedded.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node --import tsx src/server.ts` on a given database; started again on the same port after a kill. */
export class PortalProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private upGate: Promise<void>;
  private openGate: () => void = () => undefined;
  /** the last lines the portal wrote (for a failure's message) */
  readonly output: string[] = [];
  starts = 0;
  pids: number[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    /** node's own flags, e.g. the production heap caps of `npm run start:prod` */
    private readonly nodeArgs: string[] = [],
  ) {
    this.upGate = new Promise((resolve) => (this.openGate = resolve));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** started and answering (false from a kill until the next start answers) */
  up = false;

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once a started portal answers; stays pending while it is down. */
  whenUp(): Promise<void> {
    return this.upGate;
  }

  async start(timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      [...this.nodeArgs, '--import', 'tsx', path.join('src', 'server.ts')],
      {
        cwd: ROOT_DIR,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...this.env,
          PORT: String(this.port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.starts++;
    if (child.pid) this.pids.push(child.pid);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > 300) this.output.splice(0, this.output.length - 300);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    while (Date.now() - t0 < timeoutMs) {
      if (!this.running) throw new Error(`the portal exited while starting:\n${this.tail()}`);
      // the answer must come from this child: between freePort() and the child's bind another
      // process may take the port, and then the child exits with EADDRINUSE while the other answers
      if (child.pid && listensOn(child.pid, this.port) && (await this.healthy())) {
        this.up = true;
        this.openGate();
        return Date.now() - t0;
      }
      await sleep(100);
    }
    throw new Error(`the portal did not answer within ${timeoutMs} ms:\n${this.tail()}`);
  }

  private healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get(`${this.baseUrl}/readyz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2000, () => req.destroy());
    });
  }

  /** SIGKILL: no shutdown hook runs, connections to clients and to PostgreSQL just drop. */
  async kill(): Promise<void> {
    this.up = false;
    if (!this.child) return;
    this.upGate = new Promise((resolve) => (this.openGate = resolve));
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for the graceful exit. */
  async stop(): Promise<number | null> {
    if (!this.child || !this.running) return this.child?.exitCode ?? null;
    this.up = false;
    this.child.kill('SIGTERM');
    await Promise.race([this.exited, sleep(20_000)]);
    if (this.running) await this.kill();
    return this.child.exitCode;
  }

  tail(n = 40): string {
    return this.output.slice(-n).join('\n');
  }
}

/**
 * Whether process `pid` holds a listening TCP socket on `port` (Linux: the socket's inode from
 * /proc/net/tcp{,6} among the process's open descriptors).
 */
export function listensOn(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex, st 0A is LISTEN, the inode is the tenth field
      if (f.length > 9 && f[1]!.endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]!);
    }
  }
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m !== null && inodes.has(m[1]!);
    } catch {
      return false;
    }
  });
}

export interface Receipt {
  seq: number;
  topic: string;
  key: string;
  payload: unknown;
  /** the key had been applied before: acknowledged, not applied again */
  duplicate: boolean;
  /** the answer was never sent: the portal was killed while waiting for it */
  held: boolean;
}

/**
 * Е-Собес as the portal's HTTP adapter sees it (POST {topic}, Idempotency-Key header). Every delivery
 * attempt is recorded; a key is applied the first time it arrives and acknowledged as a duplicate after.
 * `holdNext` keeps the next first-time delivery waiting (already applied) and runs a callback — the
 * crash test kills the portal there, between delivery and the outbox marking the message sent.
 */
export class FakeESobes {
  readonly receipts: Receipt[] = [];
  readonly applied: { key: string; topic: string; payload: unknown }[] = [];
  private readonly appliedKeys = new Set<string>();
  private hold: ((r: Receipt) => Promise<void>) | null = null;
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/esobes`;
  }

  holdNext(fn: (r: Receipt) => Promise<void>): void {
    this.hold = fn;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/esobes\/([^/?]+)$/.exec(req.url ?? '');
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || !m || typeof key !== 'string') {
      res.writeHead(400).end();
      return;
    }
    const topic = decodeURIComponent(m[1]!);
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const duplicate = this.appliedKeys.has(key);
    if (!duplicate) {
      this.appliedKeys.add(key);
      this.applied.push({ key, topic, payload });
    }
    const receipt: Receipt = { seq: this.receipts.length + 1, topic, key, payload, duplicate, held: false };
    this.receipts.push(receipt);
    const hold = this.hold;
    if (hold && !duplicate) {
      this.hold = null;
      receipt.held = true;
      await hold(receipt);
      res.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: duplicate ? 'duplicate' : 'applied' }));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A person's browser against the child portal: cookies, real EDS login, signed forms. */
export class PortalClient {
  readonly agent: TestAgent;
  constructor(
    baseUrl: string,
    private readonly dataDir: string,
    readonly personKey: string,
  ) {
    this.agent = request.agent(baseUrl);
  }

  get(url: string) {
    return this.agent.get(url).redirects(0).timeout({ response: 20_000, deadline: 30_000 });
  }

  post(url: string, fields: Record<string, string>) {
    return this.agent
      .post(url)
      .type('form')
      .send(fields)
      .redirects(0)
      .timeout({ response: 20_000, deadline: 30_000 });
  }

  sign(xml: string, keyType: 'AUTH' | 'SIGN'): string {
    return signXml(xml, devKey(this.dataDir, this.personKey, keyType));
  }

  /** The signed post of the page's signing form (the signing contract of eds.md). */
  signedPost(html: string) {
    const form = signFormFrom(html);
    return this.post(form.action, {
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: this.sign(form.xml, form.keyType),
    });
  }

  /** Login with the AUTH key through the real page; passes the welcome letter (acts for oneself). */
  async login(): Promise<void> {
    const page = await this.get('/login');
    if (page.status !== 200) throw new Error(`login page answered ${page.status}`);
    const res = await this.signedPost(page.text);
    if (res.status !== 303)
      throw new Error(`login of ${this.personKey}: ${res.status} ${res.text.slice(0, 300)}`);
    if (res.headers.location === '/welcome') {
      const w = await this.get('/welcome');
      const r = await this.post('/welcome', { _csrf: csrfFrom(w.text) });
      if (r.status !== 303) throw new Error(`welcome of ${this.personKey}: ${r.status}`);
    }
  }
}
