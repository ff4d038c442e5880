import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { LOCALES, tFor } from '../../../src/lib/i18n.js';
import { createTestContext, type TestContext } from '../../support/context.js';
import type { Agent } from '../../support/http.js';
import { listRoutes, type RouteEntry } from './route-list.js';
import { MATRIX } from './matrix.js';
import { buildWorld, ROLES, type MatrixRole, type World } from './world.js';
import { changedTables, csrfOf, gist, snapshot } from './support.js';
import {
  encodeForm,
  formsOf,
  HOSTILE,
  HOSTILE_IN_PATH,
  kindOf,
  linkQueriesOf,
  params,
  routeOf,
  withSegment,
  type FieldKind,
  type PageForm,
} from './fuzz.js';

/**
 * Odd input never reaches PostgreSQL: every route the router lists, every field its pages' forms
 * have (and every parameter of its path, every query key its filters and links use), each given NUL,
 * control characters, 10,000 characters, year 0, year 9999, 30 February, negative and huge numbers
 * and a repeated field. Never a 5xx; a refused request (4xx) writes nothing; nothing hostile is stored.
 *
 * The fields are read from the pages the roles see (forms and links), so a new route with a form is
 * fuzzed without editing this file; a POST route whose form no GET page renders takes its fields from
 * the short list below. `FUZZ_REPORT=1` prints every 5xx answer, the number of requests, the CPU time
 * of the test process and the slowest routes.
 */

let ctx: TestContext;
let world: World;
let routes: RouteEntry[];
const tokens = {} as Record<MatrixRole, string>;

/** Forms found per route (`POST /x/:id`), with the role whose page rendered them. */
const forms = new Map<string, { role: MatrixRole; form: PageForm }[]>();
/** Query fields found per GET route (filter forms and links), with the kind of value each holds. */
const queryKeys = new Map<string, Map<string, FieldKind>>();
function addQueryKey(route: string, key: string, kind: FieldKind) {
  const keys = queryKeys.get(route) ?? new Map<string, FieldKind>();
  if (!keys.has(key) || keys.get(key) === 'unknown') keys.set(key, kind);
  queryKeys.set(route, keys);
}

/**
 * A POST route whose form no GET page renders (a signing step that follows another POST, a button
 * shown only in a state the pages' records are not in) takes the signing contract's fields, or these.
 */
const SIGNED = ['signRequestId', 'signedXml'];
const WITHOUT_PAGE_FORM: Record<string, string[]> = {
  'POST /eds/prepare': ['signRequestId', 'certPem'],
  'POST /specialist/journal/codes/:id': ['code'],
  'POST /supplier/orders/:id/:action': ['locationId', 'trackNumber', 'reason', 'handedOverAt'],
};

/** Routes whose success would end the fuzz's own session, or that are outside this item. */
const SKIP = new Set(['POST /logout', 'POST /api/esobes/ipr', 'GET /dev/keys/*path']);

/** Who fuzzes a route: a role the matrix lets past the access checks. */
function roleFor(route: string): MatrixRole | undefined {
  const found = forms.get(route)?.[0]?.role;
  if (found) return found;
  const cells = MATRIX[route]!.expect;
  return ROLES.find((r) => {
    const c = cells[r];
    return c === 'allowed' || (typeof c === 'number' && c >= 200 && c < 400);
  });
}

const fiveXX: string[] = [];
const cpuAtStart = process.cpuUsage();
const stats = { requests: 0, snapshots: 0, snapshotMs: 0, crawlMs: 0, perRoute: [] as string[] };

/** The message of the error handler's second line (PostgreSQL refused the data), in every language. */
let BACKSTOP: string[] = [];

/** The next transaction id PostgreSQL will hand out: unchanged means no write happened. */
async function xmax(): Promise<string> {
  const r = (await ctx.db.raw('select pg_snapshot_xmax(pg_current_snapshot())::text as x')) as {
    rows: { x: string }[];
  };
  return r.rows[0]!.x;
}

/** Text stored with control characters, and dates outside 1900–2100, across every table. */
async function hostileStored(): Promise<Record<string, number>> {
  const cols = (await ctx
    .db('information_schema.columns')
    .where({ table_schema: 'public' })
    .whereNot('table_name', 'like', 'knex_%')
    .whereNotIn('table_name', ['sessions', 'rate_limits'])
    .select('table_name', 'column_name', 'data_type')) as {
    table_name: string;
    column_name: string;
    data_type: string;
  }[];
  const checks = cols.flatMap((c) => {
    const col = `"${c.table_name}"."${c.column_name}"`;
    if (['text', 'character varying', 'jsonb'].includes(c.data_type))
      return [
        `select '${c.table_name}.${c.column_name}' as c, count(*)::int as n from "${c.table_name}"
         where ${col}::text ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]' and ${col}::text not like '%<ds:%'`,
      ];
    if (c.data_type === 'date')
      return [
        `select '${c.table_name}.${c.column_name}' as c, count(*)::int as n from "${c.table_name}"
         where extract(year from ${col}) not between 1900 and 2100`,
      ];
    return [];
  });
  const r = (await ctx.db.raw(checks.join(' union all '))) as { rows: { c: string; n: number }[] };
  return Object.fromEntries(r.rows.filter((x) => x.n > 0).map((x) => [x.c, x.n]));
}

let storedBefore: Record<string, number>;

beforeAll(async () => {
  ctx = await createTestContext();
  world = await buildWorld(ctx);
  for (const role of ROLES) tokens[role] = await csrfOf(world.agents[role], role === 'anonymous');
  routes = listRoutes(ctx.app);
  BACKSTOP = LOCALES.map((l) => tFor(l)('errors:input_rejected'));
  storedBefore = await hostileStored();

  const crawlStart = Date.now();
  // read every page each role reaches: its forms and the query keys of its links
  for (const route of Object.keys(MATRIX).filter((r) => r.startsWith('GET '))) {
    // a page everybody reaches is read by the visitor and by the administrator only
    const reaching = ROLES.filter((r) => MATRIX[route]!.expect[r] === 200);
    const readers = reaching.length > 3 ? [reaching[0]!, reaching.at(-1)!] : reaching;
    for (const role of readers) {
      const url = MATRIX[route]!.url(world, role);
      const res = await world.agents[role].get(url);
      if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
      for (const form of formsOf(res.text, url)) {
        const target = routeOf(routes, form.method, form.action);
        if (!target) continue;
        const key = `${target.method} ${target.path}`;
        if (form.method === 'GET') {
          for (const f of form.fields.keys()) addQueryKey(key, f, form.kinds.get(f) ?? 'unknown');
          continue;
        }
        const list = forms.get(key) ?? [];
        const names = [...form.fields.keys()].sort().join(',');
        if (!list.some((x) => [...x.form.fields.keys()].sort().join(',') === names))
          list.push({ role, form });
        forms.set(key, list);
      }
      for (const link of linkQueriesOf(res.text)) {
        const target = routeOf(routes, 'GET', link.path);
        if (!target) continue;
        for (const [k, v] of link.fields) addQueryKey(`GET ${target.path}`, k, kindOf('text', v));
      }
    }
  }
  stats.crawlMs = Date.now() - crawlStart;
}, 300_000);

afterAll(async () => {
  if (process.env.FUZZ_REPORT) {
    console.log(`5xx answers: ${fiveXX.length}\n${fiveXX.join('\n')}`);
    const { perRoute, ...rest } = stats;
    const cpu = process.cpuUsage(cpuAtStart);
    console.log(JSON.stringify({ ...rest, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
    console.log(
      perRoute
        .sort((a, b) => parseInt(b) - parseInt(a))
        .slice(0, 40)
        .join('\n'),
    );
  }
  await ctx?.close();
});

interface Case {
  label: string;
  send: (agent: Agent) => Promise<Response>;
}

function casesOf(route: string, role: MatrixRole): Case[] {
  const [method, pattern] = route.split(' ') as [string, string];
  const token = tokens[role];
  const out: Case[] = [];
  if (method === 'GET') {
    const url = MATRIX[route]!.url(world, role);
    const [path, query = ''] = url.split('?');
    for (const p of params(pattern))
      for (const h of HOSTILE_IN_PATH) {
        const u = withSegment(path!, p.index, h.value as string) + (query ? `?${query}` : '');
        out.push({ label: `:${p.name} = ${h.name}`, send: (a) => a.get(u) });
      }
    for (const [key, kind] of queryKeys.get(route) ?? [])
      for (const h of HOSTILE.filter((x) => x.kinds.includes(kind))) {
        const q = new URLSearchParams(query);
        q.delete(key);
        const u = `${path}?${q.toString() ? `${q.toString()}&` : ''}${encodeForm({ [key]: h.value })}`;
        out.push({ label: `?${key} = ${h.name}`, send: (a) => a.get(u) });
      }
    return out;
  }
  const found = forms.get(route)?.filter((f) => f.role === role) ?? [];
  const targets: Omit<PageForm, 'method'>[] =
    found.length > 0
      ? found.map((f) => f.form)
      : [
          {
            action: MATRIX[route]!.url(world, role).split('?')[0]!,
            query: '',
            multipart: false,
            fields: new Map((WITHOUT_PAGE_FORM[route] ?? SIGNED).map((f) => [f, 'x'])),
            kinds: new Map(),
          },
        ];
  for (const t of targets) {
    const base = Object.fromEntries([...t.fields].filter(([k]) => k !== '_csrf'));
    const post = (agent: Agent, path: string, fields: Record<string, string | string[]>) => {
      const url = t.query ? `${path}?${t.query}` : path;
      if (!t.multipart)
        return agent
          .post(url)
          .set('x-csrf-token', token)
          .type('form')
          .send(encodeForm({ _csrf: token, ...fields }));
      let req = agent.post(url).set('x-csrf-token', token).field('_csrf', token);
      for (const [k, v] of Object.entries(fields))
        for (const x of Array.isArray(v) ? v : [v]) req = req.field(k, x);
      return req;
    };
    for (const p of params(pattern))
      for (const h of HOSTILE_IN_PATH)
        out.push({
          label: `:${p.name} = ${h.name}`,
          send: (a) => post(a, withSegment(t.action, p.index, h.value as string), base),
        });
    for (const key of Object.keys(base))
      for (const h of HOSTILE.filter((x) => x.kinds.includes(t.kinds.get(key) ?? 'unknown')))
        out.push({
          label: `${key} = ${h.name}`,
          send: (a) => post(a, t.action, { ...base, [key]: h.value }),
        });
  }
  return out;
}

const FUZZED = Object.keys(MATRIX).filter((r) => !SKIP.has(r));

describe('the pages tell the fuzz what to send', () => {
  it('finds the forms of most POST routes and the filters of the list pages on the pages themselves', () => {
    // of the POST routes some role of the world may post (those no role reaches, such as a sanatorium's
    // cabinet or a local executive body's list, have no page any role renders: their own tests cover them)
    const posts = FUZZED.filter((r) => r.startsWith('POST ') && roleFor(r) !== undefined);
    const found = posts.filter((r) => forms.has(r));
    expect(found.length, `forms found for ${found.length} of ${posts.length}`).toBeGreaterThan(
      posts.length / 2,
    );
    for (const list of ['GET /msu', 'GET /supplier/orders', 'GET /specialist/orders', 'GET /admin/audit'])
      expect([...(queryKeys.get(list) ?? [])], list).not.toEqual([]);
  });
});

describe.each(FUZZED)('%s', (route) => {
  it('answers odd input without a 5xx, and a refusal writes nothing', async () => {
    const role = roleFor(route);
    if (!role) return;
    const agent = world.agents[role];
    const problems: string[] = [];
    let before = await snapshot(ctx);
    let xid = await xmax();
    const started = Date.now();
    const cases = casesOf(route, role);
    for (const c of cases) {
      const res = await c.send(agent);
      stats.requests++;
      if (BACKSTOP.some((m) => (res.text ?? '').includes(m)))
        problems.push(`${c.label}: ${res.status}, refused by PostgreSQL rather than by the schema`);
      if (res.status >= 500) {
        fiveXX.push(`${route} ${c.label}: ${res.status}`);
        problems.push(`${c.label}: ${res.status} ${gist(res)}`);
      }
      const now = await xmax();
      if (now === xid) continue;
      xid = now;
      const t0 = Date.now();
      const after = await snapshot(ctx);
      stats.snapshots++;
      stats.snapshotMs += Date.now() - t0;
      const changed = changedTables(before, after);
      // a refused signature re-renders its page with a fresh document to sign
      const reissued = /data-eds-sign/.test(res.text ?? '') ? ['sign_requests'] : [];
      if (res.status >= 400 && changed.some((t) => !reissued.includes(t)))
        problems.push(`${c.label}: refused with ${res.status} but changed ${changed.join(', ')}`);
      before = after;
    }
    stats.perRoute.push(`${Date.now() - started}ms ${cases.length} ${route}`);
    expect(problems, `${route} as ${role}`).toEqual([]);
  });
});

describe('what the fuzz left in the database', () => {
  it('holds no control characters and no date outside 1900–2100 that were not there before', async () => {
    expect(await hostileStored()).toEqual(storedBefore);
  });
});
