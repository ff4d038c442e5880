import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, signAs, signFormFrom } from '../../support/http.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';

let ctx: TestContext;
let prod: Express;

beforeAll(async () => {
  ctx = await createTestContext();
  // production behind a TLS-terminating proxy on this machine, with the dev stand's trust store and
  // registries (the production gateways lead nowhere)
  const config = { ...productionConfig(ctx), TRUST_PROXY: 'loopback' };
  const { trust, integrations } = ctx.services;
  prod = createApp(
    buildServices(config, ctx.db, createLogger('silent'), { trust, integrations, clock: ctx.clock }),
  );
});
afterAll(async () => {
  await (prod?.locals.sessionPool as { end: () => Promise<void> } | undefined)?.end();
  await ctx?.close();
});

const SID = 'portal.sid';
/** in production the session cookie carries the `__Host-` prefix (Secure, Path=/, no Domain) */
const PROD_SID = '__Host-portal.sid';

function cookiesOf(res: request.Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}
function cookie(res: request.Response, name: string): string | undefined {
  return cookiesOf(res).find((c) => c.startsWith(`${name}=`));
}
/** The value of a Set-Cookie line (name=value), for a Cookie header. */
const pair = (setCookie: string | undefined) => setCookie?.split(';')[0] ?? '';

const sessionRow = async (cookieValue: string) => {
  // the cookie is `s:<sid>.<signature>` (URL-encoded)
  const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookieValue.split('=')[1] ?? ''))?.[1];
  return sid ? ctx.db('sessions').where({ sid }).first() : undefined;
};

/**
 * Logs a person in by hand (the request's cookies set explicitly), so that the same flow works
 * against the production app where the cookie only travels over HTTPS. Returns both session cookies.
 */
async function login(app: Express, key: string, headers: Record<string, string> = {}) {
  const sid = app === prod ? PROD_SID : SID;
  const page = await request(app).get('/login').set(headers).expect(200);
  const before = pair(cookie(page, sid));
  const form = signFormFrom(page.text);
  const res = await request(app)
    .post('/login')
    .set(headers)
    .set('cookie', before)
    .type('form')
    .send({
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: signAs(ctx, key, form.keyType, form.xml),
    });
  expect(res.status, res.text.slice(0, 500)).toBe(303);
  return { before, after: pair(cookie(res, sid)), res };
}

describe('the session id', () => {
  it('rotates at login: the id before differs from the id after, and the old one authenticates nobody', async () => {
    const { before, after } = await login(ctx.app, 'r01');
    expect(before).toMatch(/^portal\.sid=s%3A/);
    expect(after).toMatch(/^portal\.sid=s%3A/);
    expect(after).not.toBe(before);
    expect(await sessionRow(before)).toBeUndefined();

    const stale = await request(ctx.app).get('/cabinet').set('cookie', before);
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toBe('/login?next=%2Fcabinet');
    await request(ctx.app).get('/welcome').set('cookie', after).expect(200);
  });

  it('is destroyed at logout: the cookie is cleared, the stored session is gone, the id authenticates nobody', async () => {
    const { after } = await login(ctx.app, 'r03');
    const page = await request(ctx.app).get('/support/new').set('cookie', after).expect(200);
    expect(await sessionRow(after)).toBeDefined();
    const out = await request(ctx.app)
      .post('/logout')
      .set('cookie', after)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(cookie(out, SID)).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await sessionRow(after)).toBeUndefined();
    const replay = await request(ctx.app).get('/cabinet').set('cookie', after);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login?next=%2Fcabinet');
  });

  it('keeps a guardian to the wards of their own: acting for another person is refused', async () => {
    const agent = await loginAs(ctx, 'g01');
    const page = await agent.get('/act-for').expect(200);
    const stranger = await personIdOf(ctx, 'r05');
    const res = await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), principalId: String(stranger) });
    expect(res.status).toBe(404);
    const acting = await agent.get('/act-for').expect(200);
    expect(acting.text).not.toContain(`value="${stranger}"`);
  });
});

describe('cookies', () => {
  it('on the dev stand and in tests: HttpOnly and SameSite=Lax, not Secure (plain HTTP)', async () => {
    const res = await request(ctx.app).get('/login').expect(200);
    const sid = cookie(res, SID)!;
    expect(sid).toMatch(/; HttpOnly/i);
    expect(sid).toMatch(/; SameSite=Lax/i);
    expect(sid).not.toMatch(/; Secure/i);
  });

  it('in production: every cookie the portal sets is Secure, HttpOnly and SameSite=Lax', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    // the person's language comes back as a cookie at login
    await ctx
      .db('persons')
      .where({ id: await personIdOf(ctx, 'r02') })
      .update({ locale: 'kk' });
    const { res: loggedIn } = await login(prod, 'r02', https);
    const responses = [
      await request(prod).get('/login').set(https),
      await request(prod).get('/?lang=en').set(https),
      await request(prod).get('/settings/low-vision?on=1').set(https),
      loggedIn,
    ];
    const all = responses.flatMap(cookiesOf);
    for (const name of [PROD_SID, 'lang', 'lv'])
      expect(
        all.some((c) => c.startsWith(`${name}=`)),
        name,
      ).toBe(true);
    for (const c of all) {
      expect(c, c).toMatch(/; Secure/i);
      expect(c, c).toMatch(/; HttpOnly/i);
      expect(c, c).toMatch(/; SameSite=Lax/i);
    }
    // what the browser demands of a __Host- cookie, or it drops it
    const host = all.filter((c) => c.startsWith(`${PROD_SID}=`));
    expect(host.length).toBeGreaterThan(0);
    for (const c of host) {
      expect(c, c).toMatch(/; Path=\/(;|$)/);
      expect(c, c).not.toMatch(/; Domain=/i);
    }
    expect(all.some((c) => c.startsWith(`${SID}=`))).toBe(false);
  });

  it('in production: no session cookie over plain HTTP', async () => {
    const res = await request(prod).get('/login').expect(200);
    expect(cookie(res, PROD_SID)).toBeUndefined();
  });
});
