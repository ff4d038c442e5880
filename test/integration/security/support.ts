import { expect } from 'vitest';
import type { Response } from 'supertest';
import type { TestContext } from '../../support/context.js';
import { csrfFrom, type Agent } from '../../support/http.js';
import type { Outcome } from './matrix.js';

/** Tables that change on any request (sessions, rate-limit counters), left out of "nothing changed". */
const VOLATILE = new Set(['sessions', 'rate_limits']);

/**
 * A fingerprint of every table's content (one md5 per table), to show that a refused request changed
 * nothing. Returns the tables and their digests.
 */
export async function snapshot(ctx: TestContext): Promise<Record<string, string>> {
  const tables = (
    (await ctx
      .db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .select('table_name')) as { table_name: string }[]
  )
    .map((t) => t.table_name)
    .filter((t) => !VOLATILE.has(t) && !t.startsWith('knex_'))
    .sort();
  const sql = tables
    .map(
      (t) =>
        `select '${t}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from "${t}" x`,
    )
    .join(' union all ');
  const rows = (await ctx.db.raw(sql)) as { rows: { t: string; d: string }[] };
  return Object.fromEntries(rows.rows.map((r) => [r.t, r.d]));
}

/** The tables whose content differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((t) => before[t] !== after[t]);
}

/** The session's CSRF token, from a page with a form (the login page for a visitor, else the support form). */
export async function csrfOf(agent: Agent, anonymous: boolean): Promise<string> {
  const page = await agent.get(anonymous ? '/login' : '/support/new');
  return csrfFrom(page.text);
}

/** The answer as the matrix writes it: `login` for a redirect to the login page, else the status. */
export function outcomeOf(res: Response): Outcome {
  const location = res.headers.location as string | undefined;
  if (res.status === 303 && location?.startsWith('/login?next=')) return 'login';
  return res.status;
}

/** A short readable gist of a response, for failure messages: the text of the page's main part. */
export function gist(res: Response): string {
  const text = typeof res.text === 'string' ? res.text : '';
  return text
    .replace(/^[\s\S]*?<main[^>]*>/, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/**
 * The headers every answer carries, whatever the route, role or status: a Content-Security-Policy
 * without 'unsafe-inline' that forbids framing, no MIME sniffing, a referrer policy, and no
 * X-Powered-By.
 */
export function expectSecurityHeaders(res: Response): void {
  const where = `${res.status} ${(res as unknown as { req?: { path?: string } }).req?.path ?? ''}`;
  const csp = String(res.headers['content-security-policy'] ?? '');
  expect(csp, where).toContain("default-src 'self'");
  expect(csp, where).toContain("script-src 'self'");
  expect(csp, where).toContain("frame-ancestors 'none'");
  expect(csp, where).toContain("object-src 'none'");
  expect(csp, where).not.toContain('unsafe-inline');
  expect(csp, where).not.toContain('unsafe-eval');
  expect(res.headers['x-content-type-options'], where).toBe('nosniff');
  expect(res.headers['x-frame-options'], where).toBe('SAMEORIGIN');
  expect(res.headers['referrer-policy'], where).toBe('no-referrer');
  expect(res.headers['x-powered-by'], where).toBeUndefined();
}
