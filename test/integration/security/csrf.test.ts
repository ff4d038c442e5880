import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, type Agent } from '../../support/http.js';
import { PNG } from '../admin/fixtures.js';
import { listRoutes } from './route-list.js';
import { MATRIX } from './matrix.js';
import { buildWorld, ROLES, type MatrixRole, type World } from './world.js';
import { changedTables, csrfOf, gist, snapshot } from './support.js';
import { UPLOADS } from '../../../src/web/uploads.js';

/** POST routes that take no CSRF token, each with the reason and what guards it instead. */
const EXEMPT: Record<string, string> = {
  'POST /api/esobes/ipr':
    'Е-Собес posts JSON machine to machine with a Bearer token; no browser session is involved',
  // special social services by contract: the ИППСУ import, like the IPR one
  'POST /api/esobes/ippsu':
    'Е-Собес posts JSON machine to machine with a Bearer token; no browser session is involved',
};

/**
 * Routes no role of the world may post (the world's supplier, e05, sells ТСР only, so the
 * organisation's УЖЯ/УИП order pages refuse it): an employee of an organisation with the sign-language
 * direction (e06, «Сурдотехника KZ») posts them, logged in for the purpose.
 */
const OTHER_POSTERS: Record<string, string> = {
  'POST /supplier/service-orders/:id/assign': 'e06',
  'POST /supplier/service-orders/:id/assign/sign': 'e06',
  'POST /supplier/service-orders/:id/decline': 'e06',
  'POST /supplier/service-orders/:id/decline/sign': 'e06',
  // sanatorium treatment (issue 17): an employee of «Сарыарка» (sup-sanatorium, with the direction)
  'POST /sanatorium-cabinet/offer': 'e07',
  'POST /sanatorium-cabinet/periods': 'e07',
  'POST /sanatorium-cabinet/orders/:id/:action': 'e07',
  'POST /sanatorium-cabinet/orders/:id/:action/sign': 'e07',
  // sanatorium photos (issue 17 item 1): e07's «Сарыарка» posts them (the photo is another sanatorium's: 404)
  'POST /sanatorium-cabinet/photos': 'e07',
  'POST /sanatorium-cabinet/photos/:id/delete': 'e07',
  // issue 19 item 3: an employee of a local executive body (no role of the world is one)
  'POST /outreach/:id/notified': 'lex01',
};

/** Routes that take a multipart upload (the upload parser's own list): every other route refuses one. */
const UPLOAD_ROUTES: string[] = Object.values(UPLOADS).map((u) => u.route);

let ctx: TestContext;
let world: World;

beforeAll(async () => {
  ctx = await createTestContext();
  world = await buildWorld(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

/** Who posts: a visitor where visitors may, else the first role the matrix allows. */
function poster(route: string): MatrixRole {
  const entry = MATRIX[route];
  if (!entry) throw new Error(`${route} has no entry in the matrix`);
  const allowed = ROLES.filter((r) => entry.expect[r] === 'allowed');
  if (allowed.length === 0) throw new Error(`${route}: no role may post`);
  return allowed[0]!;
}

const livePosts = () =>
  listRoutes(ctx.app)
    .filter((r) => r.method === 'POST')
    .map((r) => `${r.method} ${r.path}`);

describe('CSRF', () => {
  it('covers every POST the router has (the table below is built from the same list)', () => {
    const posts = livePosts();
    const table = Object.keys(MATRIX).filter((r) => r.startsWith('POST '));
    expect(posts.sort()).toEqual(table.sort());
    for (const route of Object.keys(EXEMPT))
      expect(posts, 'an exemption for a route that is gone').toContain(route);
  });

  it.each(Object.keys(MATRIX).filter((r) => r.startsWith('POST ') && !(r in EXEMPT)))(
    '%s: refused without the token (403, nothing changed); accepted past the check with it',
    async (route) => {
      const other = OTHER_POSTERS[route];
      const role = other ? 'supplier' : poster(route);
      // logging out ends the session: a session of its own
      const agent: Agent =
        route === 'POST /logout'
          ? await loginAs(ctx, 'r01')
          : other
            ? await loginAs(ctx, other)
            : world.agents[role];
      const url = MATRIX[route]!.url(world, role);

      const before = await snapshot(ctx);
      const bare = await agent.post(url).type('form').send({});
      expect(bare.status, `${role} POST ${url} without a token: ${gist(bare)}`).toBe(403);
      const forged = await agent.post(url).type('form').send({ _csrf: 'forged-token' });
      expect(forged.status, `${role} POST ${url} with a forged token`).toBe(403);
      expect(changedTables(before, await snapshot(ctx))).toEqual([]);

      const token = await csrfOf(agent, role === 'anonymous' && route !== 'POST /logout');
      const res = await agent.post(url).type('form').send({ _csrf: token });
      // past the check: the route's own answer to an empty form (never a fault)
      expect(res.status, `${role} POST ${url} with the token: ${gist(res)}`).not.toBe(403);
      expect(res.status, `${role} POST ${url} with the token: ${gist(res)}`).toBeLessThan(500);
    },
  );

  it('the routes that take uploads are routes of the app', () => {
    expect(UPLOAD_ROUTES.length).toBe(7);
    for (const route of UPLOAD_ROUTES) expect(livePosts()).toContain(route);
  });

  it.each(UPLOAD_ROUTES)(
    '%s: a multipart upload without the token is refused and nothing is stored',
    async (route) => {
      // a route no role of the world may post (the sanatorium's photos): its own poster
      const other = OTHER_POSTERS[route];
      const role = other ? 'supplier' : poster(route);
      const agent = other ? await loginAs(ctx, other) : world.agents[role];
      const url = MATRIX[route]!.url(world, role);
      const before = await snapshot(ctx);
      const res = await agent
        .post(url)
        .field('description', 'x')
        .attach('file', PNG, { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(403);
      expect(changedTables(before, await snapshot(ctx))).toEqual([]);
    },
  );

  it.each(
    Object.keys(MATRIX).filter(
      (r) => r.startsWith('POST ') && !(r in EXEMPT) && !UPLOAD_ROUTES.includes(r) && r !== 'POST /logout',
    ),
  )('%s: takes no files, so a multipart post with a valid token is refused (415) unread', async (route) => {
    // refused by the CSRF layer, before the route and its role check: a visitor's session will do
    const agent = request.agent(ctx.app);
    const token = await csrfOf(agent, true);
    const url = MATRIX[route]!.url(world, OTHER_POSTERS[route] ? 'supplier' : poster(route));
    const before = await snapshot(ctx);
    const res = await agent
      .post(`${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`)
      .field('_csrf', token)
      .attach('file', PNG, { filename: 'a.png', contentType: 'image/png' });
    expect(res.status, `POST ${url}: ${gist(res)}`).toBe(415);
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('does not take the token of another session', async () => {
    const other = await csrfOf(world.agents.admin, false);
    const before = await snapshot(ctx);
    const res = await world.agents.recipient
      .post('/cabinet/preferences')
      .type('form')
      .send({ _csrf: other, notifyChannel: 'email', locale: 'kk' });
    expect(res.status).toBe(403);
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('takes the token from the X-CSRF-Token header (the browser signer posts JSON)', async () => {
    const token = await csrfOf(world.agents.recipient, false);
    const res = await world.agents.recipient
      .post('/eds/prepare')
      .set('x-csrf-token', token)
      .send({ signRequestId: 'x', certPem: 'x' });
    expect(res.status).toBe(400);
    const bare = await world.agents.recipient.post('/eds/prepare').send({ signRequestId: 'x', certPem: 'x' });
    expect(bare.status).toBe(403);
  });
});

describe('the Е-Собес API (exempt from CSRF: a Bearer token instead)', () => {
  const batch = { iprs: [] };

  it('refuses a request without the token, or with a wrong one, even from a logged-in browser (401)', async () => {
    const before = await snapshot(ctx);
    for (const agent of [world.agents.anonymous, world.agents.admin]) {
      const res = await agent.post('/api/esobes/ipr').send(batch);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      const wrong = await agent.post('/api/esobes/ipr').set('authorization', 'Bearer wrong').send(batch);
      expect(wrong.status).toBe(401);
    }
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });

  it('takes the batch with the token and no CSRF token', async () => {
    const res = await world.agents.anonymous
      .post('/api/esobes/ipr')
      .set('authorization', 'Bearer dev-esobes-token')
      .send(batch);
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);
  });
});
