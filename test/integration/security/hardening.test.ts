import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';
import { createHttpServer } from '../../../src/web/http-server.js';
import { changedTables, snapshot } from './support.js';

/** Smaller hardening points: the Permissions-Policy header, the API's JSON errors, the cookie name. */
let ctx: TestContext;
let prod: Express;

beforeAll(async () => {
  ctx = await createTestContext();
  const { trust, integrations } = ctx.services;
  prod = createApp(
    buildServices({ ...productionConfig(ctx), TRUST_PROXY: 'loopback' }, ctx.db, createLogger('silent'), {
      trust,
      integrations,
    }),
  );
});
afterAll(async () => {
  await (prod?.locals.sessionPool as { end: () => Promise<void> } | undefined)?.end();
  await ctx?.close();
});

describe('Permissions-Policy', () => {
  it('turns off camera, microphone, geolocation, payment and the rest on pages, files and errors', async () => {
    for (const app of [ctx.app, prod]) {
      for (const res of [
        await request(app).get('/'),
        await request(app).get('/assets/images/logo.svg'),
        await request(app).get('/no-such-page'),
      ]) {
        const policy = String(res.headers['permissions-policy'] ?? '');
        for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture'])
          expect(policy, `${res.status}: ${feature}`).toContain(`${feature}=()`);
        expect(policy).toContain('fullscreen=(self)');
      }
    }
  });
});

describe('the Е-Собес API and malformed JSON', () => {
  it('answers a malformed or truncated body with a JSON error, whatever the client accepts, and stores nothing', async () => {
    const before = await snapshot(ctx);
    for (const accept of ['*/*', 'text/html', 'application/json']) {
      for (const body of ['{"iprs": [', '{iprs: 1}', '\u0000']) {
        const res = await request(ctx.app)
          .post('/api/esobes/ipr')
          .set('authorization', 'Bearer dev-esobes-token')
          .set('accept', accept)
          .set('content-type', 'application/json')
          .send(body);
        expect(res.status, `${accept} ${JSON.stringify(body)}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({ error: 'bad_request' });
        expect(typeof res.body.reference).toBe('string');
      }
    }
    // a body over the JSON limit too
    const big = await request(ctx.app)
      .post('/api/esobes/ipr')
      .set('authorization', 'Bearer dev-esobes-token')
      .set('content-type', 'application/json')
      .send(`{"iprs":[],"x":"${'a'.repeat(3 * 1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: 'too_large' });
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('pages keep answering HTML for a malformed form body', async () => {
    const res = await request(ctx.app)
      .post('/cabinet/preferences')
      .set('content-type', 'application/json')
      .set('accept', 'text/html')
      .send('{"x":');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('the session cookie in production', () => {
  it('is named __Host-portal.sid (Secure, Path=/, no Domain) and cleared under that name at logout', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const page = await request(prod).get('/login').set(https).expect(200);
    const set = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
    const sid = set.find((c) => c.startsWith('__Host-portal.sid='));
    expect(sid, set.join('\n')).toBeDefined();
    expect(sid).toMatch(/; Path=\/(;|$)/);
    expect(sid).toMatch(/; Secure/);
    expect(sid).not.toMatch(/; Domain=/i);
    expect(set.some((c) => c.startsWith('portal.sid='))).toBe(false);
  });
});

describe('a body declared larger than the route reads', () => {
  /**
   * Sends the head of a POST declaring `length` bytes and only `sent` of them; resolves with what the
   * portal answered once it closes the connection (the test's timeout bounds the wait).
   */
  async function declared(path: string, type: string, length: number, sent: string, lang: string) {
    const server = createHttpServer(ctx.app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: lang=${lang}\r\n` +
          `Content-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n${sent}`,
      );
      await closed;
      return answer;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it('a form declaring a gigabyte and sending three bytes gets the 413 page in its language, and the connection is closed; nothing is stored', async () => {
    const before = await snapshot(ctx);
    for (const [lang, text] of [
      ['ru', 'Запрос слишком большой.'],
      ['kk', 'Сұрау тым үлкен.'],
      ['en', 'The request is too large.'],
    ] as const) {
      const answer = await declared(
        '/login',
        'application/x-www-form-urlencoded',
        1_000_000_000,
        'a=1',
        lang,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain(text);
    }
    // a form within the limit is still read (and refused for its missing token, not its size)
    expect((await request(ctx.app).post('/login').type('form').send('a=1')).status).toBe(403);
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('so does JSON declaring more than 2 MB', async () => {
    const answer = await declared('/api/esobes/ipr', 'application/json', 3 * 1024 * 1024, '{', 'en');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });
});
