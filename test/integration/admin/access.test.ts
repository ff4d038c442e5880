import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';

let ctx: TestContext;
const agents: Record<string, Agent> = {};

/** Pages only administrators open. */
const ADMIN_ONLY = [
  '/admin/users',
  '/admin/audit',
  '/admin/audit.csv',
  '/admin/health',
  '/admin/content',
  '/admin/content/new?kind=faq',
  '/admin/notices',
  '/admin/notices/new',
  '/admin/settings',
  '/admin/reports',
  '/admin/reports/orders.csv',
  '/admin/exchange',
];
/** Pages of the contact-centre desk: operators and administrators. */
const DESK = ['/admin', '/admin/support'];

beforeAll(async () => {
  ctx = await createTestContext();
  // an operator who is nothing else: s06 leaves the specialists and joins the contact centre
  const s06 = await personIdOf(ctx, 's06');
  await ctx.db('person_roles').where({ person_id: s06 }).delete();
  await ctx.db('person_roles').insert({ person_id: s06, role: 'operator' });
  for (const key of ['r01', 'g01', 's01', 'e01', 's06', 'a01']) agents[key] = await loginAs(ctx, key);
});
afterAll(async () => {
  await ctx?.close();
});

describe('anonymous visitors', () => {
  it.each([...DESK, ...ADMIN_ONLY, '/support', '/support/new'])(
    '%s sends them to the login page',
    async (url) => {
      const res = await request(ctx.app).get(url).expect(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    },
  );

  it('can read the public information page', async () => {
    const res = await request(ctx.app).get('/info').expect(200);
    expect(res.text).toContain('Инструкции и вопросы');
  });
});

describe.each([
  ['recipient', 'r01'],
  ['guardian', 'g01'],
  ['specialist', 's01'],
  ['employee', 'e01'],
])('a %s', (_role, key) => {
  it.each([...DESK, ...ADMIN_ONLY])('is refused %s with 403', async (url) => {
    const res = await agents[key]!.get(url).expect(403);
    expect(res.text).toContain('Доступ запрещён');
  });

  it('cannot post to administration forms either (403)', async () => {
    const page = await agents[key]!.get('/support/new').expect(200);
    await agents[key]!.post('/admin/settings/phone')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), phone: '0000' })
      .expect(403);
    await agents[key]!.post('/admin/support/1/register')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), version: '1' })
      .expect(403);
  });

  it('sees no administration link in the menu', async () => {
    const res = await agents[key]!.get('/support').expect(200);
    expect(res.text).not.toContain('href="/admin"');
  });
});

describe('an operator of the contact centre', () => {
  it.each(DESK)('opens %s', async (url) => {
    await agents.s06!.get(url).expect(200);
  });

  it.each(ADMIN_ONLY)('is refused the administrators’ page %s with 403', async (url) => {
    await agents.s06!.get(url).expect(403);
  });

  it('sees only the contact-centre part of the cabinet home', async () => {
    const res = await agents.s06!.get('/admin').expect(200);
    expect(res.text).toContain('href="/admin/support"');
    expect(res.text).not.toContain('href="/admin/users"');
  });

  it('cannot change administrators’ settings', async () => {
    const page = await agents.s06!.get('/admin/support').expect(200);
    await agents
      .s06!.post('/admin/settings/phone')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), phone: '0000' })
      .expect(403);
    expect(await ctx.services.admin.site.contactPhone()).toBe('1414');
  });
});

describe('the administrator', () => {
  it.each([...DESK, ...ADMIN_ONLY])('opens %s', async (url) => {
    await agents.a01!.get(url).expect(200);
  });

  it('sees every admin page linked from the cabinet home, the other registries included', async () => {
    const res = await agents.a01!.get('/admin').expect(200);
    for (const href of [
      '/admin/support',
      '/admin/content',
      '/admin/notices',
      '/admin/settings',
      '/admin/msu',
      '/admin/specialists',
      '/admin/tsr-kinds',
      '/admin/suppliers',
      '/admin/users',
      '/admin/audit',
      '/admin/reports',
      '/admin/exchange',
      '/admin/health',
    ]) {
      expect(res.text, href).toContain(`href="${href}"`);
    }
  });
});
