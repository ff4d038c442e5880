import { expect } from 'vitest';
import request from 'supertest';
import type { TestContext } from '../../support/context.js';
import { csrfFrom, submitSigned, type Agent } from '../../support/http.js';
import { ORGANISATIONS } from '../../../src/devstand/people.js';

/** The id of a demo organisation by its key in src/devstand/people.ts. */
export async function orgId(ctx: TestContext, key: string): Promise<number> {
  const bin = ORGANISATIONS.find((o) => o.key === key)!.bin;
  return ((await ctx.db('organisations').where({ bin }).first('id')) as { id: number }).id;
}

/**
 * The administrator's step on an organisation or a specialist entry: the reason page (suspend,
 * exclude) or the button (resume), then the document signed with a01's key. Returns the signed post.
 */
export async function standingStep(
  ctx: TestContext,
  admin: Agent,
  base: string,
  action: 'suspend' | 'resume' | 'exclude',
  reason = '',
) {
  let signPage;
  if (action === 'resume') {
    const card = await admin
      .get(base.startsWith('/admin/organisations') ? base : '/admin/specialists')
      .expect(200);
    signPage = await admin
      .post(`${base}/resume`)
      .type('form')
      .send({ _csrf: csrfFrom(card.text) });
  } else {
    const page = await admin.get(`${base}/${action}`).expect(200);
    signPage = await admin
      .post(`${base}/${action}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reason });
  }
  expect(signPage.status, signPage.text.slice(0, 1500)).toBe(200);
  return submitSigned(ctx, admin, signPage.text, 'a01');
}

/** The text of the SMS or e-mail queued under a notification's idempotency key (undefined when none). */
export async function messageText(ctx: TestContext, key: string): Promise<string | undefined> {
  const row = (await ctx
    .db('outbox')
    .whereIn('idempotency_key', [`sms:${key}`, `email:${key}`])
    .first('payload')) as { payload: { text: string } } | undefined;
  return row?.payload.text;
}

/** A login attempt with the person's AUTH key through the real login page; the response. */
export async function tryLogin(ctx: TestContext, personKey: string) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/login').expect(200);
  return submitSigned(ctx, agent, page.text, personKey);
}
