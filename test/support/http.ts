import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { signXml } from '../../src/eds/index.js';
import { devKey } from '../../src/devstand/pki.js';
import type { TestContext } from './context.js';

export type Agent = TestAgent;

/** Decodes the few entities nunjucks' autoescape writes into attribute values. */
export function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/**
 * The action URL of the page's upload form (the first multipart form): it carries the CSRF token,
 * since the portal checks a multipart post's token before reading its body.
 */
export function uploadActionFrom(html: string): string {
  const m = /<form\b[^>]*\baction="([^"]+)"[^>]*\benctype="multipart\/form-data"/.exec(html);
  if (!m) throw new Error('no upload form on the page');
  return decodeEntities(m[1]!);
}

export interface SignFormOnPage {
  action: string;
  keyType: 'AUTH' | 'SIGN';
  signRequestId: string;
  xml: string;
  csrf: string;
}

/** Finds the n-th form with data-eds-sign on a page (the signing contract of eds.md). */
export function signFormFrom(html: string, index = 0): SignFormOnPage {
  const forms = [...html.matchAll(/<form[^>]*data-eds-sign="(AUTH|SIGN)"[^>]*>([\s\S]*?)<\/form>/g)];
  const f = forms[index];
  if (!f) throw new Error(`no data-eds-sign form #${index} on the page`);
  const tag = f[0].slice(0, f[0].indexOf('>') + 1);
  const action = decodeEntities(/action="([^"]*)"/.exec(tag)?.[1] ?? '');
  const body = f[2]!;
  const value = (name: string) => {
    const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(body);
    if (!m) throw new Error(`no ${name} in the signing form`);
    return decodeEntities(m[1]!);
  };
  return {
    action,
    keyType: f[1] as 'AUTH' | 'SIGN',
    signRequestId: value('signRequestId'),
    xml: value('xml'),
    csrf: value('_csrf'),
  };
}

/** Signs XML with a dev-stand person's key (person key as in src/devstand/people.ts, e.g. 'r01'). */
export function signAs(ctx: TestContext, personKey: string, keyType: 'AUTH' | 'SIGN', xml: string): string {
  return signXml(xml, devKey(ctx.dataDir, personKey, keyType));
}

/** Signs the page's signing form with the person's key of the form's type and posts it. */
export async function submitSigned(
  ctx: TestContext,
  agent: Agent,
  html: string,
  personKey: string,
  opts: { index?: number; keyType?: 'AUTH' | 'SIGN'; mutate?: (signed: string) => string } = {},
) {
  const form = signFormFrom(html, opts.index ?? 0);
  let signed = signAs(ctx, personKey, opts.keyType ?? form.keyType, form.xml);
  if (opts.mutate) signed = opts.mutate(signed);
  return agent
    .post(form.action)
    .type('form')
    .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml: signed });
}

/**
 * Logs a dev-stand person in through the real login page (AUTH key), passes the welcome letter,
 * and for a guardian picks whom to act for (`actFor`: a ward's person key, or the guardian's own).
 */
/** A login attempt with a signature that is not one: the portal answers 400 (or 429 past the limit). */
export async function failedLogin(ctx: TestContext) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/login');
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), signRequestId: 'x', signedXml: 'x' });
}

export async function loginAs(
  ctx: TestContext,
  personKey: string,
  opts: { actFor?: string; lang?: string } = {},
): Promise<Agent> {
  const agent = request.agent(ctx.app);
  if (opts.lang) await agent.get(`/?lang=${opts.lang}`);
  const page = await agent.get('/login').expect(200);
  const res = await submitSigned(ctx, agent, page.text, personKey);
  if (res.status !== 303)
    throw new Error(`login of ${personKey} failed: ${res.status} ${res.text.slice(0, 500)}`);
  let location = res.headers.location as string;
  if (location === '/welcome') {
    const w = await agent.get('/welcome').expect(200);
    const r = await agent
      .post('/welcome')
      .type('form')
      .send({ _csrf: csrfFrom(w.text) })
      .expect(303);
    location = r.headers.location as string;
  }
  if (location === '/act-for') {
    const a = await agent.get('/act-for').expect(200);
    const target = opts.actFor ? await personIdOf(ctx, opts.actFor) : undefined;
    const self = /id="principal-self"[^>]*value="(\d+)"/.exec(a.text)?.[1];
    await agent
      .post('/act-for')
      .type('form')
      .send({ _csrf: csrfFrom(a.text), principalId: String(target ?? self) })
      .expect(303);
  }
  return agent;
}

export async function personIdOf(ctx: TestContext, personKey: string): Promise<number> {
  const { PEOPLE } = await import('../../src/devstand/people.js');
  const p = PEOPLE.find((x) => x.key === personKey);
  if (!p) throw new Error(`unknown person ${personKey}`);
  const row = (await ctx.db('persons').where({ iin: p.iin }).first('id')) as { id: number } | undefined;
  if (!row) throw new Error(`person ${personKey} is not in the database`);
  return row.id;
}

/** Posts a plain form on a page with its CSRF token. */
export async function postForm(
  agent: Agent,
  pageHtml: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(pageHtml), ...fields });
}
