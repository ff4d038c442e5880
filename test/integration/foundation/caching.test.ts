import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, postForm } from '../../support/http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('what browsers and proxies may keep', () => {
  it('a logged-in person’s pages are never stored (the back button after logout shows nothing)', async () => {
    const agent = await loginAs(ctx, 'r01');
    let html = '';
    for (const path of ['/cabinet', '/help']) {
      const res = await agent.get(path).expect(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers.etag).toBeUndefined();
      html = res.text;
    }
    expect((await postForm(agent, html, '/logout', {})).status).toBe(303);
    const after = await agent.get('/help');
    expect(after.status).not.toBe(200);
  });

  it('anonymous pages are not marked private, and static assets keep their validators', async () => {
    const home = await request(ctx.app).get('/').expect(200);
    expect(home.headers['cache-control'] ?? '').not.toContain('no-store');
    const css = await request(ctx.app).get('/assets/build/app.css').expect(200);
    expect(css.headers.etag).toBeTruthy();
    expect(css.headers['cache-control']).toContain('max-age=');
  });
});
