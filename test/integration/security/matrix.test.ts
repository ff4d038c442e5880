import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { listRoutes } from './route-list.js';
import { DOWNLOADS, MATRIX, type Outcome } from './matrix.js';
import { buildWorld, ROLES, type MatrixRole, type World } from './world.js';
import { changedTables, csrfOf, expectSecurityHeaders, gist, outcomeOf, snapshot } from './support.js';

let ctx: TestContext;
let world: World;
const tokens = {} as Record<MatrixRole, string>;

beforeAll(async () => {
  ctx = await createTestContext();
  world = await buildWorld(ctx);
  for (const role of ROLES) tokens[role] = await csrfOf(world.agents[role], role === 'anonymous');
});
afterAll(async () => {
  await ctx?.close();
});

/** What a refused POST may answer: the login page, 401 (API), 403, or 404. */
const REFUSALS: Outcome[] = ['login', 401, 403, 404];

describe('the table of expected answers', () => {
  it('names every route the app has, and no route it does not have', () => {
    const live = listRoutes(ctx.app).map((r) => `${r.method} ${r.path}`);
    expect(live.length).toBeGreaterThan(150);
    // the routes of routers mounted under a path carry it (/admin, then /admin/support inside it)
    expect(live).toContain('GET /admin');
    expect(live).toContain('POST /admin/support/:id/:action');
    const table = Object.keys(MATRIX);
    expect(
      live.filter((r) => !table.includes(r)),
      'routes without an entry in the matrix',
    ).toEqual([]);
    expect(
      table.filter((r) => !live.includes(r)),
      'matrix entries for routes the app no longer has',
    ).toEqual([]);
  });

  it('knows the download routes by their names in the table', () => {
    for (const route of DOWNLOADS) expect(Object.keys(MATRIX)).toContain(route);
  });

  it('refuses every POST to every role it does not allow', () => {
    for (const [route, entry] of Object.entries(MATRIX)) {
      if (!route.startsWith('POST ')) continue;
      for (const role of ROLES) {
        const cell = entry.expect[role];
        if (cell !== 'allowed') expect(REFUSALS, `${route} as ${role}`).toContain(cell);
      }
    }
  });
});

describe.each(Object.keys(MATRIX).filter((r) => r.startsWith('GET ')))('%s', (route) => {
  const entry = MATRIX[route]!;

  it.each(ROLES)('as %s', async (role) => {
    const expected = entry.expect[role];
    const url = entry.url(world, role);
    const res = await world.agents[role].get(url);
    expect(outcomeOf(res), `${role} GET ${url}: ${gist(res)}`).toBe(expected);
    expectSecurityHeaders(res);
    if (DOWNLOADS.includes(route) && res.status === 200)
      expect(res.headers['content-disposition'], `${route} is sent as an attachment`).toMatch(
        /^attachment\b/,
      );
    // the role got past the access checks to its own record (a page, a redirect, a refused step)
    const reached = typeof expected === 'number' && ![401, 403, 404].includes(expected);
    const other = reached ? entry.foreign?.(world, role) : undefined;
    if (other) {
      const foreign = await world.agents[role].get(other);
      expect(foreign.status, `${role} GET another's ${other}`).toBe(404);
    }
  });
});

// POSTs open to everybody (login, logout, the signer's prepare step, the queue check) have no role to refuse
const refusable = (route: string) => ROLES.some((r) => MATRIX[route]!.expect[r] !== 'allowed');

describe.each(Object.keys(MATRIX).filter((r) => r.startsWith('POST ') && refusable(r)))('%s', (route) => {
  const entry = MATRIX[route]!;
  const refused = ROLES.filter((r) => entry.expect[r] !== 'allowed');

  it('is refused to the roles not allowed, with a valid token, and changes nothing', async () => {
    const before = await snapshot(ctx);
    for (const role of refused) {
      const url = entry.url(world, role);
      const res = await world.agents[role].post(url).type('form').send({ _csrf: tokens[role] });
      expect(outcomeOf(res), `${role} POST ${url}: ${gist(res)}`).toBe(entry.expect[role]);
      expectSecurityHeaders(res);
    }
    expect(changedTables(before, await snapshot(ctx))).toEqual([]);
  });
});
