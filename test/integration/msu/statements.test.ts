/**
 * What one signed МСУ step costs the database: every statement sent to PostgreSQL while the signed
 * «Записаться» is posted, until its redirect, counted at the driver (pg's Client#query, under knex
 * and under the session store alike). The session store's and the rate limiter's statements are
 * counted apart: they belong to every request's path (the middleware), not to the signed step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, signAs, signFormFrom } from '../../support/http.js';
import { recordStatements } from '../../support/statements.js';
import { ASTANA_GENERAL, dept, deptId, orderOf } from './helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

const isSession = (sql: string) => /\bsessions\b/.test(sql);
const isRateLimit = (sql: string) => /\brate_limits\b/.test(sql);

describe('a signed МСУ order step', () => {
  it('takes at most 8 statements of its own besides the session’s and the rate limit’s, and commits the order', async () => {
    const id = await deptId(ctx, ASTANA_GENERAL);
    const before = await dept(ctx, id);
    const agent = await loginAs(ctx, 'r01');
    const page = await agent.get(`/msu/departments/${id}/enrol`).expect(200);
    const form = signFormFrom(page.text);
    const signedXml = signAs(ctx, 'r01', 'SIGN', form.xml);

    const rec = recordStatements();
    let res;
    try {
      res = await agent
        .post(form.action)
        .type('form')
        .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml });
    } finally {
      rec.stop();
    }
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/msu\/orders\/\d+$/);

    const session = rec.texts.filter(isSession);
    const rateLimit = rec.texts.filter(isRateLimit);
    const step = rec.texts.filter((t) => !isSession(t) && !isRateLimit(t));
    // what the step sent, for the reader of a failure
    const listing = step.map((t, i) => `${i + 1}. ${t.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n');
    expect(step.length, listing).toBeLessThanOrEqual(8);
    expect(step.filter((t) => /^\s*BEGIN/i.test(t))).toHaveLength(1);
    expect(step.filter((t) => /^\s*COMMIT/i.test(t))).toHaveLength(1);
    // the middleware's statements are counted apart, and they hide none of the step's
    expect(session.length + rateLimit.length).toBeLessThanOrEqual(4);
    // the whole request: the session is read at most once (none when this instance kept it from the
    // page before, src/web/session-cache.ts) and not written (the «done» message travels in a
    // cookie), the signed-post limit counts once, and the step: ten in all
    expect(session.length, session.join('\n')).toBeLessThanOrEqual(1);
    expect(
      session.filter((t) => !/^\s*SELECT sess FROM/i.test(t)),
      session.join('\n'),
    ).toHaveLength(0);
    expect(rec.texts.length, listing).toBeLessThanOrEqual(10);
    expect(rec.texts).toHaveLength(step.length + session.length + rateLimit.length);

    // and the step did everything it did before: the order, its event, the bed, the referral, the SMS
    const order = (await orderOf(ctx, await personIdOf(ctx, 'r01')))!;
    expect(order.status).toBe('awaiting_arrival');
    expect((await dept(ctx, id)).free).toBe(before.free - 1);
    const events = await ctx.db('order_events').where({ order_id: order.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'enrol', to_status: 'awaiting_arrival' });
    expect(events[0].signed_document_id).not.toBeNull();
    const doc = await ctx.db('signed_documents').where({ id: events[0].signed_document_id }).first();
    expect(doc.sign_request_id).toBe(form.signRequestId);
    expect(doc.signed_xml).toBe(signedXml);
    const request = await ctx.db('sign_requests').where({ id: form.signRequestId }).first();
    expect(request.consumed_at).not.toBeNull();
    expect(await ctx.db('msu_orders').where({ order_id: order.id, entry: 'direct' })).toHaveLength(1);
    expect(await ctx.db('msu_referrals').where({ order_id: order.id, via: 'free_bed' })).toHaveLength(1);
    const sms = await ctx.db('outbox').where({ idempotency_key: `sms:msu:${order.id}:enrolled` });
    expect(sms).toHaveLength(1);

    // the same signature again: refused, nothing more written
    const again = await agent
      .post(form.action)
      .type('form')
      .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml });
    expect(again.status).not.toBe(303);
    expect(await ctx.db('signed_documents').where({ sign_request_id: form.signRequestId })).toHaveLength(1);
    expect((await dept(ctx, id)).free).toBe(before.free - 1);
  });
});
