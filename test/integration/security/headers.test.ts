import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { loginAs } from '../../support/http.js';
import { createApp } from '../../../src/app.js';
import { buildServices } from '../../../src/modules/index.js';
import { createLogger } from '../../../src/logger.js';
import { expectSecurityHeaders } from './support.js';

let ctx: TestContext;
let prod: Express;

beforeAll(async () => {
  ctx = await createTestContext();
  const { trust, integrations } = ctx.services;
  prod = createApp(
    buildServices(productionConfig(ctx), ctx.db, createLogger('silent'), { trust, integrations }),
  );
});
afterAll(async () => {
  await (prod?.locals.sessionPool as { end: () => Promise<void> } | undefined)?.end();
  await ctx?.close();
});

/** Answers that are not a route's own: static files, the 404 page, a refused POST, a malformed body. */
const odd = (app: Express) => [
  request(app).get('/assets/js/app.js'),
  request(app).get('/assets/images/logo.svg'),
  request(app).get('/no-such-page'),
  request(app).post('/cabinet/preferences').type('form').send({}),
  request(app).post('/api/esobes/ipr').set('content-type', 'application/json').send('{"iprs": ['),
];

describe('security headers', () => {
  it('are on static files, the 404 page, a refused POST and an error (every route × role is in the matrix)', async () => {
    const statuses = [];
    for (const req of odd(ctx.app)) {
      const res = await req;
      statuses.push(res.status);
      expectSecurityHeaders(res);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    expect(statuses).toEqual([200, 200, 404, 403, 400]);
  });

  it('in production also: HSTS for a year or more with subdomains, and upgrade-insecure-requests', async () => {
    for (const req of [request(prod).get('/'), request(prod).get('/login'), ...odd(prod)]) {
      const res = await req;
      expectSecurityHeaders(res);
      const hsts = String(res.headers['strict-transport-security'] ?? '');
      expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(365 * 24 * 3600);
      expect(hsts).toContain('includeSubDomains');
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    }
  });

  it('pages need no inline script, style or event handler (the policy would block them)', async () => {
    const pages = [
      await request(ctx.app).get('/'),
      await request(ctx.app).get('/login'),
      await request(ctx.app).get('/info'),
      await (await loginAs(ctx, 'r01')).get('/cabinet'),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style[\s>]/);
      expect(page.text).not.toMatch(/\sstyle="/);
      expect(page.text).not.toMatch(/\son[a-z]+="/);
    }
  });
});
