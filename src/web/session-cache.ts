import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.js';

/** The channel the sessions table announces changed and deleted sessions on (migration 20261208000000). */
export const SESSION_CHANNEL = 'portal_sessions';

interface Entry {
  /** the stored session as read, to be parsed anew for each request (express-session changes it) */
  json: string;
  /** its content without the cookie, as `sessionContent` writes it */
  content: string;
  /** `versionOf(sid, content)` */
  version: string;
  /** served from memory until then (ms since the epoch) */
  until: number;
}

/**
 * The sessions an instance read lately, kept for a short while so that a person's next pages do not
 * read their session from PostgreSQL again.
 *
 * What keeps it right:
 * - **The browser carries the version of the session it last saw** (a cookie: an HMAC of the
 *   session's id and content under the session secret, src/web/session-store.ts). A kept session is
 *   used only when the request's version is the kept one, so a session another instance changed (a
 *   login step, a flash message, a ward chosen) is read from the database again on the next request,
 *   however late the announcement below arrives.
 * - **Every change and every deletion is announced** by the sessions table itself (a trigger:
 *   `pg_notify('portal_sessions', sid)`), whichever instance or statement made it; each instance
 *   LISTENs and forgets the session. A logout, «log out everywhere», a blocked account or a session
 *   ended for its age thus reaches every instance within the announcement's delivery (milliseconds),
 *   and this instance's own changes are forgotten at once (`forget`).
 * - **Nothing is kept or served while the listening connection is down**: losing it empties the
 *   cache, and it is opened again after a second.
 * - **Nothing is kept until an announcement has been heard on it**: after its LISTEN the connection
 *   must receive one sent from another connection. Behind a pooler that does not pass announcements
 *   to an idle client (PgBouncer in transaction mode), none arrives, and sessions are then read from
 *   the database as with the cache off; the check is repeated every minute.
 * - **A read that overlapped an announcement is not kept** (the generation counter), and an entry is
 *   served at most `ttlMs` after it was read.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private listening = false;
  private stopped = false;
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly secret: Buffer;
  /** the payloads of this cache's own check announcements start with it (a session id never does) */
  private readonly probePrefix = `probe:${crypto.randomUUID()}:`;

  constructor(
    private readonly connectionString: string,
    secret: string,
    private readonly logger: Logger,
    private readonly ttlMs: number,
    /** at most this many sessions are kept (the one kept longest goes first), within an instance's memory budget */
    private readonly max = 5_000,
    /** how long the check's announcement may take to come back */
    private readonly hearMs = 5_000,
  ) {
    this.secret = Buffer.from(`session-version:${secret}`);
  }

  /** Whether sessions are kept (0 seconds turns the cache off). */
  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Starts listening (and keeping sessions once it does); resolves once the first attempt ends. */
  async start(): Promise<void> {
    if (!this.enabled || this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.client = client;
    client.on('notification', (msg) => {
      if (msg.payload?.startsWith(this.probePrefix)) {
        // the check's own announcement came back (however late): sessions may be kept
        if (this.client === client && !this.stopped) this.listening = true;
        return;
      }
      this.generation++;
      if (msg.payload) this.entries.delete(msg.payload);
    });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.drop();
      if (this.stopped) return;
      this.logger.warn(
        { err },
        'session cache: the listening connection was lost; sessions are read from the database until it is back',
      );
      client.end().catch(() => undefined);
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.start();
      }, 1000);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
      await this.confirm(client);
    } catch (err) {
      lost(err);
    }
  }

  /**
   * Sends an announcement from another connection; `client` keeps sessions once it comes back (the
   * notification handler above). If it has not come within `hearMs`, says so and sends another in a
   * minute. Resolves once it came or that time is over.
   */
  private async confirm(client: pg.Client): Promise<void> {
    const sender = new pg.Client({ connectionString: this.connectionString });
    sender.on('error', () => undefined);
    try {
      await sender.connect();
      await sender.query('select pg_notify($1, $2)', [
        SESSION_CHANNEL,
        `${this.probePrefix}${crypto.randomUUID()}`,
      ]);
    } catch (err) {
      this.logger.warn({ err }, 'session cache: could not check that announcements arrive');
    } finally {
      await sender.end().catch(() => undefined);
    }
    const t0 = Date.now();
    while (!this.listening && this.client === client && !this.stopped && Date.now() - t0 < this.hearMs) {
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.listening || this.client !== client || this.stopped) return;
    this.logger.warn(
      'session cache: announcements do not reach the listening connection (a pooler in transaction mode?); sessions are read from the database',
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.client === client && !this.stopped && !this.listening) void this.confirm(client);
    }, 60_000);
    this.retry.unref();
  }

  /** Stops listening and forgets everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.drop();
    await client?.end().catch(() => undefined);
  }

  /** The version of a session's content (without its cookie) that its browser carries. */
  versionOf(sid: string, content: string): string {
    return crypto
      .createHmac('sha256', this.secret)
      .update(sid)
      .update('\n')
      .update(content)
      .digest('base64url')
      .slice(0, 22);
  }

  /** The kept session `sid` when the request carries its version `version`. */
  get(sid: string, version: string): Entry | undefined {
    if (!this.listening) return undefined;
    const e = this.entries.get(sid);
    if (!e || e.version !== version) return undefined;
    if (Date.now() >= e.until) {
      this.entries.delete(sid);
      return undefined;
    }
    return e;
  }

  /** To be taken before a read from the database and given to `keep` after it. */
  mark(): number {
    return this.generation;
  }

  /** Keeps what a read that started at `mark` found, unless an announcement came in meanwhile. */
  keep(sid: string, mark: number, json: string, content: string, version: string): void {
    if (!this.listening || mark !== this.generation) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.delete(sid);
    this.entries.set(sid, { json, content, version, until: Date.now() + this.ttlMs });
  }

  /** Forgets sessions this instance changed or deleted (their announcements come later). */
  forget(sids: Iterable<string>): void {
    this.generation++;
    for (const sid of sids) this.entries.delete(sid);
  }

  /** How many sessions are kept (for tests and the health of the cache). */
  get size(): number {
    return this.entries.size;
  }

  /** Whether the listening connection is up (sessions are kept only then). */
  get isListening(): boolean {
    return this.listening;
  }

  private drop(): void {
    this.listening = false;
    this.generation++;
    this.entries.clear();
  }
}
