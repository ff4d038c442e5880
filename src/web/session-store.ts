import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import onHeaders from 'on-headers';
import type pg from 'pg';
import type { SessionCache } from './session-cache.js';

/** A session's stored content, its cookie left out (as express-session compares it). */
export function sessionContent(sess: object): string {
  return JSON.stringify(sess, function (this: unknown, key, value: unknown) {
    return this === sess && key === 'cookie' ? undefined : value;
  });
}

/** What the session middleware learnt of one request's session, for the version it answers. */
interface Slot {
  /** the version the browser sent */
  sent: string | undefined;
  /** the content read (from memory or the database) and its version */
  content?: string;
  version?: string;
}

type Callback = (err?: unknown, sess?: session.SessionData | null) => void;

/**
 * connect-pg-simple's store with:
 * - **the expiry written at most once a minute per session**: rolling sessions would write it on
 *   every request; once a minute keeps the idle timeout exact to the minute (a save writes the expiry
 *   too, so a touch right after it is skipped);
 * - **named prepared statements**: each of its few texts is parsed and planned once per connection;
 * - **the sessions read lately kept in memory** (`SessionCache`): a request whose browser carries the
 *   version of a kept session is answered from memory; every other read goes to the database.
 */
function storeClass() {
  const PgStore = connectPgSimple(session);
  return class PortalSessionStore extends PgStore {
    /** the request whose session is being loaded (express-session calls `get` synchronously) */
    pending: Slot | null = null;
    private readonly touched = new Map<string, number>();
    private readonly statements = new Map<string, string>();

    constructor(
      private readonly pool: pg.Pool,
      private readonly cache: SessionCache,
      options: {
        pool: pg.Pool;
        tableName: string;
        createTableIfMissing: boolean;
        pruneSessionInterval: number;
      },
    ) {
      super(options);
    }

    private recent(sid: string): boolean {
      const last = this.touched.get(sid);
      return last !== undefined && Date.now() - last < 60_000;
    }
    private remember(sid: string): void {
      if (this.touched.size > 50_000) this.touched.clear();
      this.touched.set(sid, Date.now());
    }

    override get(sid: string, fn: Callback): void {
      const slot = this.pending;
      this.pending = null;
      if (slot?.sent) {
        const kept = this.cache.get(sid, slot.sent);
        if (kept) {
          slot.content = kept.content;
          slot.version = kept.version;
          process.nextTick(fn, null, JSON.parse(kept.json) as session.SessionData);
          return;
        }
      }
      if (!this.cache.enabled) return super.get(sid, fn as never);
      const mark = this.cache.mark();
      super.get(sid, ((err: unknown, sess?: session.SessionData | null) => {
        if (!err && sess) {
          const content = sessionContent(sess);
          const version = this.cache.versionOf(sid, content);
          this.cache.keep(sid, mark, JSON.stringify(sess), content, version);
          if (slot) {
            slot.content = content;
            slot.version = version;
          }
        }
        fn(err, sess);
      }) as never);
    }

    override set(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      this.remember(sid);
      this.cache.forget([sid]);
      super.set(sid, sess, ((err?: unknown) => {
        this.cache.forget([sid]);
        fn?.(err);
      }) as never);
    }

    override destroy(sid: string, fn?: (err?: unknown) => void): void {
      this.cache.forget([sid]);
      super.destroy(sid, ((err?: unknown) => {
        this.cache.forget([sid]);
        fn?.(err);
      }) as never);
    }

    override touch(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      if (this.recent(sid)) {
        fn?.();
        return;
      }
      this.remember(sid);
      super.touch(sid, sess, fn as never);
    }

    /** connect-pg-simple's one query function, with each of its few texts as a named statement */
    async _asyncQuery(text: string, values: unknown[]): Promise<unknown> {
      let name = this.statements.get(text);
      if (!name) {
        name = `session_store_${this.statements.size}`;
        this.statements.set(text, name);
      }
      const res = await this.pool.query({ name, text, values });
      return res.rows[0];
    }
  };
}

export interface SessionMiddlewareOptions {
  pool: pg.Pool;
  cache: SessionCache;
  /** the session cookie's name, and the version cookie's */
  cookieName: string;
  versionCookieName: string;
  secret: string;
  secure: boolean;
  idleMinutes: number;
}

/**
 * express-session over the store above. Each answer that carries the session cookie carries the
 * version of the session's content beside it when it changed (an HMAC: it tells nothing of the
 * content), so that the browser's next request, on whichever instance, is served from memory only
 * with the content this answer left.
 */
export function sessionMiddleware(o: SessionMiddlewareOptions): RequestHandler {
  const Store = storeClass();
  const store = new Store(o.pool, o.cache, {
    pool: o.pool,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 600,
  });
  const middleware = session({
    name: o.cookieName,
    store,
    secret: o.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: o.secure, maxAge: o.idleMinutes * 60_000 },
  });
  const cookieOptions = { httpOnly: true, sameSite: 'lax', secure: o.secure, path: '/' } as const;
  const sessionCookieSet = (res: Response) => {
    const set = res.getHeader('Set-Cookie');
    const list = Array.isArray(set) ? set : set === undefined ? [] : [String(set)];
    return list.some((c) => c.startsWith(`${o.cookieName}=`));
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const sent = (req.cookies as Record<string, string> | undefined)?.[o.versionCookieName];
    const slot: Slot = { sent: typeof sent === 'string' ? sent : undefined };
    if (o.cache.enabled) {
      // registered before express-session's own listener, so it runs after it: the session cookie
      // is then set (or not) already
      onHeaders(res, () => {
        if (!req.session) {
          if (slot.sent) res.clearCookie(o.versionCookieName, cookieOptions);
          return;
        }
        if (!sessionCookieSet(res)) return;
        const content = sessionContent(req.session);
        const version =
          content === slot.content && slot.version ? slot.version : o.cache.versionOf(req.sessionID, content);
        if (version !== slot.sent) res.cookie(o.versionCookieName, version, cookieOptions);
      });
    }
    store.pending = slot;
    try {
      middleware(req, res, (err?: unknown) => {
        // the content as read, for the redirect's "did this request change it" (src/app.ts)
        if (slot.content !== undefined) req.sessionLoadedContent = slot.content;
        next(err);
      });
    } finally {
      store.pending = null;
    }
  };
}
