/**
 * The sessions an instance keeps in memory (src/web/session-cache.ts): a person's next pages are
 * served without reading the session again, and still no instance ever shows a session its browser
 * has moved past, nor one that was ended.
 *
 * Two apps on one database stand for two instances (each its own cache and listening connection). A
 * browser is a cookie jar used against either. Where a test must show what the cache alone does, it
 * turns the sessions table's announcements off (`disable trigger`) for that test, before the login, so
 * that no announcement of the login's own saves arrives late.
 */
import net from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, personIdOf, signAs, signFormFrom } from '../../support/http.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';
import { SessionCache } from '../../../src/web/session-cache.js';

let ctx: TestContext;
let a: Express;
let b: Express;

beforeAll(async () => {
  ctx = await createTestContext();
  a = ctx.app;
  const { trust, integrations } = ctx.services;
  b = createApp(
    buildServices(ctx.config, ctx.db, createLogger('silent'), {
      trust,
      integrations,
      clock: ctx.clock,
      devStand: ctx.devStand,
    }),
    ctx.devStand.web,
  );
  await until('both caches listen', () => cacheOf(a).isListening && cacheOf(b).isListening);
});
afterEach(async () => {
  await announcements(true);
});
afterAll(async () => {
  await (b?.locals.sessionPool as { end: () => Promise<void> } | undefined)?.end();
  await ctx?.close();
});

const cacheOf = (app: Express) => app.locals.sessionCache as SessionCache;

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Turns the sessions table's change announcements on or off. */
async function announcements(on: boolean): Promise<void> {
  await ctx.db.raw(`alter table sessions ${on ? 'enable' : 'disable'} trigger sessions_changed`);
}

/** Renames the person in their stored sessions, behind every instance's back. */
async function renameInDatabase(personKey: string, name: string): Promise<void> {
  const personId = await personIdOf(ctx, personKey);
  await ctx.db.raw(
    `update sessions set sess = jsonb_set(sess::jsonb, '{auth,name}', to_jsonb(?::text))::json
     where (sess -> 'auth' ->> 'personId')::bigint = ?`,
    [name, personId],
  );
}

/** A browser: one cookie jar, used against either instance. */
class Browser {
  private readonly cookies = new Map<string, string>();
  /** the version cookies the answers set, in order */
  readonly versionsSet: string[] = [];

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private take(res: request.Response): request.Response {
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const pair = line.split(';')[0]!;
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (name === 'portal.sv') this.versionsSet.push(value);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  /** the session id and the version this browser carries */
  private get held(): { sid: string; version: string } {
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(this.cookies.get('portal.sid') ?? ''))?.[1];
    return { sid: sid ?? '', version: this.cookies.get('portal.sv') ?? '' };
  }
  /** Opens the cabinet on `app` until that instance keeps this browser's session in memory. */
  async keptBy(app: Express): Promise<void> {
    await until('the instance keeps the session', async () => {
      expect((await this.get(app, '/cabinet')).status).toBe(200);
      return cacheOf(app).get(this.held.sid, this.held.version) !== undefined;
    });
  }
  async get(app: Express, path: string): Promise<request.Response> {
    return this.take(await request(app).get(path).set('Cookie', this.header()).redirects(0));
  }
  async post(app: Express, path: string, form: Record<string, string>): Promise<request.Response> {
    return this.take(
      await request(app).post(path).set('Cookie', this.header()).type('form').send(form).redirects(0),
    );
  }
  /** Logs in through `app`'s login page, passes the welcome letter and acts for themselves. */
  async login(app: Express, personKey: string): Promise<void> {
    const page = await this.get(app, '/login');
    const form = signFormFrom(page.text);
    const res = await this.post(app, form.action, {
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: signAs(ctx, personKey, form.keyType, form.xml),
    });
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    let location = res.headers.location as string;
    if (location === '/welcome') {
      const w = await this.get(app, '/welcome');
      location = (await this.post(app, '/welcome', { _csrf: csrfFrom(w.text) })).headers.location as string;
    }
    if (location === '/act-for') {
      const p = await this.get(app, '/act-for');
      const self = /id="principal-self"[^>]*value="(\d+)"/.exec(p.text)![1]!;
      await this.post(app, '/act-for', { _csrf: csrfFrom(p.text), principalId: self });
    }
  }
}

describe('sessions kept in memory', () => {
  it('serve a person’s next pages without reading the session again, and answer no new version while nothing changed', async () => {
    await announcements(false);
    const browser = new Browser();
    await browser.login(a, 'r04');
    expect((await browser.get(a, '/cabinet')).text).toContain('НУРЛАНОВ');
    await browser.keptBy(a);
    const versions = browser.versionsSet.length;
    expect(versions).toBeGreaterThan(0);
    await renameInDatabase('r04', 'ИЗМЕНЁН ЗА СПИНОЙ');
    // A answers from memory: the change made behind its back is not read
    const kept = await browser.get(a, '/cabinet');
    expect(kept.status).toBe(200);
    expect(kept.text).toContain('НУРЛАНОВ');
    expect(kept.text).not.toContain('ИЗМЕНЁН ЗА СПИНОЙ');
    expect(browser.versionsSet).toHaveLength(versions);
    // B never kept it, reads it, and answers its new version: A then reads it again too
    expect((await browser.get(b, '/cabinet')).text).toContain('ИЗМЕНЁН ЗА СПИНОЙ');
    expect(browser.versionsSet).toHaveLength(versions + 1);
    expect((await browser.get(a, '/cabinet')).text).toContain('ИЗМЕНЁН ЗА СПИНОЙ');
  });

  it('show on another instance at once what a request changed, without waiting for the announcement', async () => {
    await announcements(false);
    const browser = new Browser();
    await browser.login(a, 'g01');
    const ward = await personIdOf(ctx, 'r06');
    // B keeps the session in which g01 acts for himself
    await browser.keptBy(b);
    expect((await browser.get(b, '/cabinet')).text).not.toContain('ПЕТРОВА ЕЛЕНА ВИКТОРОВНА');
    // on A he chooses to act for the ward: the answer carries the session's new version
    const page = await browser.get(a, '/act-for');
    const chosen = await browser.post(a, '/act-for', {
      _csrf: csrfFrom(page.text),
      principalId: String(ward),
    });
    expect(chosen.status).toBe(303);
    expect((await browser.get(b, '/cabinet')).text).toContain('ПЕТРОВА ЕЛЕНА ВИКТОРОВНА');
  });

  it('are forgotten by every instance when the table announces a change or a deletion', async () => {
    const browser = new Browser();
    await browser.login(a, 'r05');
    for (const app of [a, b]) {
      await browser.keptBy(app);
      expect((await browser.get(app, '/cabinet')).text).toContain('СМАГУЛОВА');
    }
    await renameInDatabase('r05', 'ОБЪЯВЛЕНО');
    for (const app of [a, b])
      await until('the change reaches the instance', async () =>
        (await browser.get(app, '/cabinet')).text.includes('ОБЪЯВЛЕНО'),
      );
    await ctx
      .db('sessions')
      .whereRaw(`(sess -> 'auth' ->> 'personId')::bigint = ?`, [await personIdOf(ctx, 'r05')])
      .delete();
    for (const app of [a, b])
      await until(
        'the deletion reaches the instance',
        async () => (await browser.get(app, '/cabinet')).status === 303,
      );
  });

  it('are forgotten at once by this instance when it ends a person’s sessions («log out everywhere»)', async () => {
    await announcements(false);
    const browser = new Browser();
    await browser.login(a, 'r08');
    await browser.keptBy(a);
    expect(await ctx.services.auth.logoutEverywhere(await personIdOf(ctx, 'r08'))).toBe(1);
    const after = await browser.get(a, '/cabinet');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fcabinet');
  });

  it('are neither kept nor served while the listening connection is down, and again once it is back', async () => {
    await announcements(false);
    const browser = new Browser();
    await browser.login(a, 'r09');
    await browser.keptBy(a);
    await ctx.db.raw(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and query = 'LISTEN portal_sessions'`,
    );
    await until('the instance notices', () => !cacheOf(a).isListening);
    expect(cacheOf(a).size).toBe(0);
    await renameInDatabase('r09', 'БЕЗ СЛУШАТЕЛЯ');
    expect((await browser.get(a, '/cabinet')).text).toContain('БЕЗ СЛУШАТЕЛЯ');
    await until('it listens again', () => cacheOf(a).isListening);
    await browser.keptBy(a);
    await renameInDatabase('r09', 'СНОВА В ПАМЯТИ');
    // kept again: the change behind its back (announcements off) is not read
    expect((await browser.get(a, '/cabinet')).text).toContain('БЕЗ СЛУШАТЕЛЯ');
  });

  it('are not kept when announcements never reach the listening connection (a pooler that drops them)', async () => {
    const deaf = await pgProxy(ctx.databaseUrl, { dropAnnouncements: true });
    const plain = await pgProxy(ctx.databaseUrl, { dropAnnouncements: false });
    const behindDeaf = new SessionCache(deaf.url, 'x'.repeat(32), createLogger('silent'), 30_000, 10, 300);
    const behindPlain = new SessionCache(plain.url, 'x'.repeat(32), createLogger('silent'), 30_000, 10, 300);
    try {
      await Promise.all([behindDeaf.start(), behindPlain.start()]);
      // through the proxy that passes announcements the check is heard, and sessions are kept
      await until('the check is heard through the plain proxy', () => behindPlain.isListening, 30_000);
      behindPlain.keep('s1', behindPlain.mark(), '{}', '{}', 'v1');
      expect(behindPlain.get('s1', 'v1')?.json).toBe('{}');
      // through the one that drops them, connected and listening as long, it never is: nothing is kept
      expect(deaf.connections()).toBeGreaterThan(0);
      expect(behindDeaf.isListening).toBe(false);
      behindDeaf.keep('s1', behindDeaf.mark(), '{}', '{}', 'v1');
      expect(behindDeaf.size).toBe(0);
      expect(behindDeaf.get('s1', 'v1')).toBeUndefined();
    } finally {
      await Promise.all([behindDeaf.stop(), behindPlain.stop()]);
      await Promise.all([deaf.close(), plain.close()]);
    }
  });

  it('hold at most their bound: the session kept longest goes first', async () => {
    const cache = new SessionCache(ctx.databaseUrl, 'x'.repeat(32), createLogger('silent'), 30_000, 2);
    try {
      await cache.start();
      await until('it listens', () => cache.isListening, 30_000);
      for (const sid of ['one', 'two', 'three']) cache.keep(sid, cache.mark(), '{}', '{}', `v-${sid}`);
      expect(cache.size).toBe(2);
      expect(cache.get('one', 'v-one')).toBeUndefined();
      expect(cache.get('two', 'v-two')?.json).toBe('{}');
      expect(cache.get('three', 'v-three')?.json).toBe('{}');
      // and only for its own version
      expect(cache.get('three', 'v-two')).toBeUndefined();
    } finally {
      await cache.stop();
    }
  });
});

/**
 * A TCP proxy in front of PostgreSQL that passes everything, or everything but the announcements
 * (NotificationResponse, message 'A'), as a pooler in transaction mode does for an idle client.
 */
async function pgProxy(
  databaseUrl: string,
  opts: { dropAnnouncements: boolean },
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // every message from the server is a type byte and a length that counts itself
      while (pending.length >= 5) {
        const size = 1 + pending.readInt32BE(1);
        if (pending.length < size) break;
        if (!(opts.dropAnnouncements && pending[0] === 0x41)) client.write(pending.subarray(0, size));
        pending = pending.subarray(size);
      }
    });
    client.pipe(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
