import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, signFormFrom } from '../../support/http.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';
import { PEOPLE } from '../../../src/devstand/people.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('operations', () => {
  it('answers /healthz and /readyz', async () => {
    await request(ctx.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(ctx.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ ok: true, database: true, migrations: true });
  });

  it('puts a request id on every response', async () => {
    const res = await request(ctx.app).get('/');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('security basics', () => {
  it('sends a Content-Security-Policy without unsafe-inline and HttpOnly SameSite cookies', async () => {
    const res = await request(ctx.app).get('/login').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('portal.sid='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login');
    const form = signFormFrom(page.text);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ signRequestId: form.signRequestId, signedXml: '<x/>' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Форма устарела');
    const req = await ctx.db('sign_requests').where({ id: form.signRequestId }).first();
    expect(req.consumed_at).toBeNull();
  });

  it('limits login attempts per client across instances (counters in PostgreSQL)', async () => {
    const limited = await createTestContext({ LOGIN_RATE_LIMIT: '3' });
    try {
      // a second app instance on the same database shares the counter
      const second = createApp(
        buildServices(limited.config, limited.db, createLogger('silent'), {
          clock: limited.clock,
          devStand: limited.devStand,
        }),
        limited.devStand.web,
      );
      const attempt = async (app: typeof limited.app) => {
        const agent = request.agent(app);
        const page = await agent.get('/login');
        return agent
          .post('/login')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), signRequestId: 'x', signedXml: 'x' });
      };
      expect((await attempt(limited.app)).status).toBe(400);
      expect((await attempt(second)).status).toBe(400);
      expect((await attempt(limited.app)).status).toBe(400);
      const blocked = await attempt(second);
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain('Слишком много попыток входа');
      await (second.locals.sessionPool as { end: () => Promise<void> }).end();
    } finally {
      await limited.close();
    }
  });

  it('never writes an IIN, a password or a signed document to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger('debug', sink);
    const app = createApp(
      buildServices(ctx.config, ctx.db, logger, { clock: ctx.clock, devStand: ctx.devStand }),
      ctx.devStand.web,
    );
    const person = PEOPLE.find((p) => p.key === 'r05')!;
    await request(app).get(`/queue-check?order=1&iin=${person.iin}`);
    await request(app).get(`/admin/users?q=${person.iin.slice(0, 8)}`);
    const agent = request.agent(app);
    const page = await agent.get('/login');
    await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        signRequestId: 'x',
        signedXml: `<a>${person.iin}</a>`,
        password: 'Qwerty12',
      });
    await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    const log = lines.join('');
    expect(log).toContain('request completed');
    expect(log).not.toContain(person.iin);
    expect(log).not.toContain(person.iin.slice(0, 8));
    expect(log).not.toContain('Qwerty12');
    expect(log).not.toContain('<a>');
  });
});

describe('error pages', () => {
  it.each([
    ['ru', 'Страница не найдена'],
    ['kk', 'Бет табылмады'],
    ['en', 'Page not found'],
  ])('404 in %s', async (lang, title) => {
    const res = await request(ctx.app).get(`/no-such-page?lang=${lang}`).expect(404);
    expect(res.text).toContain(title);
    expect(res.text).toContain(`<html lang="${lang}"`);
  });

  it.each([
    ['ru', 'Ошибка на стороне портала', 'Номер обращения'],
    ['kk', 'Портал жағындағы қате', 'Өтініш нөмірі'],
    ['en', 'Something went wrong on the portal', 'Reference'],
  ])('500 in %s shows a reference id and, in production, never a stack', async (lang, title, ref) => {
    const prod = productionConfig(ctx);
    const services = buildServices(prod, ctx.db, createLogger('silent'), { trust: ctx.services.trust });
    services.health.ready = async () => {
      throw new Error('secret internals: connection to 10.0.0.5 refused');
    };
    const app = createApp(services);
    const res = await request(app).get(`/readyz?lang=${lang}`).set('accept', 'text/html');
    await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    expect(res.status).toBe(500);
    expect(res.text).toContain(title);
    expect(res.text).toContain(ref);
    expect(res.text).toContain(res.headers['x-request-id'] as string);
    expect(res.text).not.toContain('secret internals');
    // no stack frame ('    at fn (/path/file.js:1:2)'); English prose may well say 'at'
    expect(res.text).not.toMatch(/^\s*at .*:\d+:\d+\)?$/m);
  });

  it('400 for a malformed body, in the chosen language', async () => {
    const res = await request(ctx.app)
      .post('/api/esobes/ipr?lang=kk')
      .set('content-type', 'application/json')
      .set('accept', 'text/html')
      .send('{"iprs": [');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Қате сұрау');
  });

  it('403 for a role that may not enter, in the chosen language', async () => {
    const agent = await loginAs(ctx, 'r01');
    const res = await agent.get('/documents/1/reverify?lang=en');
    expect([403, 404]).toContain(res.status);
    const post = await agent
      .post('/documents/1/reverify')
      .type('form')
      .send({ _csrf: csrfFrom((await agent.get('/')).text) });
    expect(post.status).toBe(403);
    expect(post.text).toContain('Access denied');
  });
});

describe('language and low-vision switches', () => {
  it('remembers the language in a cookie', async () => {
    const agent = request.agent(ctx.app);
    await agent.get('/?lang=kk').expect(200);
    const res = await agent.get('/').expect(200);
    expect(res.text).toContain('<html lang="kk"');
    expect(res.text).toContain('Әлеуметтік қызметтер порталы');
  });

  it('names the start page once in its title, and every other page before the portal', async () => {
    const names = {
      ru: 'Портал социальных услуг',
      kk: 'Әлеуметтік қызметтер порталы',
      en: 'Social Services Portal',
    };
    for (const [lang, name] of Object.entries(names)) {
      const start = await request(ctx.app).get(`/?lang=${lang}`).expect(200);
      expect(/<title>([^<]*)<\/title>/.exec(start.text)?.[1]).toBe(name);
      const login = await request(ctx.app).get(`/login?lang=${lang}`).expect(200);
      expect(/<title>([^<]*)<\/title>/.exec(login.text)?.[1]).toMatch(new RegExp(`^\\S.* — ${name}$`));
    }
  });

  it('turns the low-vision version on and back to the same page', async () => {
    const agent = request.agent(ctx.app);
    const on = await agent.get('/settings/low-vision?on=1&return=/login').expect(303);
    expect(on.headers.location).toBe('/login');
    const page = await agent.get('/login');
    expect(page.text).toMatch(/<body class="[^"]*low-vision/);
    expect(page.text).toContain('Обычная версия');
    // an outside address is never a return target
    const evil = await agent.get('/settings/low-vision?on=0&return=//evil.example').expect(303);
    expect(evil.headers.location).toBe('/');
  });
});
