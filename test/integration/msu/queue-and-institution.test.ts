import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, postForm, submitSigned, type Agent } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { ASTANA_MERCY, TEMIRTAU_REHAB, dept, deptId, orderOf, smsTo } from './helpers.js';

let ctx: TestContext;
let e01: Agent;
let mercy: number;
const DAY = 86_400_000;

async function order(key: string) {
  return (await orderOf(ctx, await personIdOf(ctx, key)))!;
}

async function positionLog(key: string) {
  const o = await order(key);
  return (await ctx.db('msu_position_changes').where({ order_id: o.id }).orderBy('id')) as {
    from_position: number;
    to_position: number;
    reason: string;
  }[];
}

beforeAll(async () => {
  ctx = await createTestContext();
  e01 = await loginAs(ctx, 'e01');
  mercy = await deptId(ctx, ASTANA_MERCY);
});
afterAll(async () => {
  await ctx?.close();
});

describe('institution cabinet', () => {
  it('shows the institution’s departments and current orders, and nobody else’s', async () => {
    const page = await e01.get('/institution').expect(200);
    expect(page.text).toContain('Кабинет МСУ');
    expect(page.text).toContain(ASTANA_MERCY);
    expect(page.text).toContain('ОМАРОВА');
    const r16 = await order('r16');
    await e01.get(`/institution/orders/${r16.id}`).expect(404);
  });

  it('a recipient cannot open the institution cabinet', async () => {
    const r01 = await loginAs(ctx, 'r01');
    await r01.get('/institution').expect(403);
  });
});

describe('a released bed goes to the first in the queue; offers lapse and pass on', () => {
  it('discharge (reason → signature) releases the bed and offers it to r03, first in the queue, by SMS and on the card', async () => {
    const r10 = await order('r10');
    const form = await e01.get(`/institution/orders/${r10.id}/discharge`).expect(200);
    const signPage = await postForm(e01, form.text, `/institution/orders/${r10.id}/discharge`, {
      reason: 'Переезд к дочери',
    });
    expect(signPage.status).toBe(200);
    const done = await submitSigned(ctx, e01, signPage.text, 'e01');
    expect(done.status).toBe(303);
    expect((await order('r10')).status).toBe('discharged');
    expect((await dept(ctx, mercy)).free).toBe(0);
    expect((await order('r03')).status).toBe('place_offered');
    const sms = await smsTo(ctx, personByKey('r03').phone);
    expect(sms.some((t) => t.includes('вам предложено место'))).toBe(true);
    const r03 = await loginAs(ctx, 'r03');
    const card = await r03.get(`/msu/orders/${(await order('r03')).id}`).expect(200);
    expect(card.text).toContain('Освободилось место');
    expect(card.text).toContain('Принять место');
    const pub = await request(ctx.app).get('/open-data/releases').expect(200);
    expect(pub.text).toContain('предложено, ожидается ответ');
  });

  it('the offer lapses after the priority window; the place passes to r05 and r14 reads why they moved up', async () => {
    expect(await ctx.services.msu.runDueOffers()).toBe(0);
    ctx.clock.advance(DAY + 60_000);
    expect(await ctx.services.msu.runDueOffers()).toBe(1);
    expect((await order('r03')).status).toBe('offer_lapsed');
    expect((await order('r05')).status).toBe('place_offered');
    const log = await positionLog('r14');
    expect(log.at(-1)).toMatchObject({ from_position: 3, to_position: 2, reason: 'ahead_lapsed' });
    const r14 = await loginAs(ctx, 'r14');
    const card = await r14.get(`/msu/orders/${(await order('r14')).id}`).expect(200);
    expect(card.text).toContain('получатель впереди вас не ответил на предложение места в срок');
    expect(card.text).toMatch(/id="queue-position">2</);
  });

  it('r05 declines (signed); the place passes to r14, who accepts (signed) and gets a referral', async () => {
    const r05 = await loginAs(ctx, 'r05');
    const o5 = await order('r05');
    const decline = await r05.get(`/msu/orders/${o5.id}/decline`).expect(200);
    expect((await submitSigned(ctx, r05, decline.text, 'r05')).status).toBe(303);
    expect((await order('r05')).status).toBe('offer_declined');
    expect((await order('r14')).status).toBe('place_offered');
    expect((await positionLog('r14')).at(-1)).toMatchObject({
      from_position: 2,
      to_position: 1,
      reason: 'ahead_declined',
    });

    const r14 = await loginAs(ctx, 'r14');
    const o14 = await order('r14');
    const accept = await r14.get(`/msu/orders/${o14.id}/accept`).expect(200);
    expect(accept.text).toContain('Подтвердить');
    expect((await submitSigned(ctx, r14, accept.text, 'r14')).status).toBe(303);
    expect((await order('r14')).status).toBe('awaiting_arrival');
    const ref = await ctx.db('msu_referrals').where({ order_id: o14.id }).first();
    expect(ref).toMatchObject({
      via: 'queue_offer',
      queue_number: 4,
      queue_position: 1,
      recipient_masked: 'В*** Т. И.',
    });
    const outcomes = (await ctx.db('msu_releases').where({ department_id: mercy }).orderBy('id')).map(
      (r: { outcome: string }) => r.outcome,
    );
    expect(outcomes.slice(-3)).toEqual(['lapsed', 'declined', 'accepted']);
  });

  it('a no-show cannot be recorded before the arrival deadline; arrival can (signed) → «Зачислен»', async () => {
    const o14 = await order('r14');
    const early = await e01.get(`/institution/orders/${o14.id}/no-show`);
    expect(early.status).toBe(409);
    expect(early.text).toContain('Неявку можно отметить только после');
    const page = await e01.get(`/institution/orders/${o14.id}/arrival`).expect(200);
    expect((await submitSigned(ctx, e01, page.text, 'e01')).status).toBe(303);
    const card = await e01.get(`/institution/orders/${o14.id}`).expect(200);
    expect(card.text).toContain('Зачислен');
  });

  it('a recipient’s SIGN key cannot sign for the institution', async () => {
    const o14 = await order('r14');
    const page = await e01.get(`/institution/orders/${o14.id}/discharge`).expect(200);
    const signPage = await postForm(e01, page.text, `/institution/orders/${o14.id}/discharge`, {
      reason: 'Проверка подписи',
    });
    const res = await submitSigned(ctx, e01, signPage.text, 'r14');
    expect(res.status).toBe(409);
    expect((await order('r14')).status).toBe('enrolled');
  });

  it('the Temirtau employee records a no-show after the deadline; the bed becomes free (no queue)', async () => {
    const e04 = await loginAs(ctx, 'e04');
    const rehab = await deptId(ctx, TEMIRTAU_REHAB);
    const before = (await dept(ctx, rehab)).free;
    const o16 = await order('r16');
    const page = await e04.get(`/institution/orders/${o16.id}/no-show`).expect(200);
    expect((await submitSigned(ctx, e04, page.text, 'e04')).status).toBe(303);
    expect((await order('r16')).status).toBe('no_show');
    expect((await dept(ctx, rehab)).free).toBe(before + 1);
    const rel = await ctx.db('msu_releases').where({ department_id: rehab }).orderBy('id', 'desc').first();
    expect(rel).toMatchObject({ cause: 'no_show', outcome: 'free' });
  });
});

describe('bed counts', () => {
  it('a change needs a reason and a signature; it is logged and cannot drop below the taken beds', async () => {
    const d = await dept(ctx, mercy);
    const page = await e01.get(`/institution/departments/${mercy}/beds`).expect(200);
    const noReason = await postForm(e01, page.text, `/institution/departments/${mercy}/beds`, {
      total: '22',
      reason: '',
    });
    expect(noReason.status).toBe(400);
    const tooFew = await postForm(e01, page.text, `/institution/departments/${mercy}/beds`, {
      total: '3',
      reason: 'Ремонт корпуса',
    });
    expect(tooFew.status).toBe(400);
    expect(tooFew.text).toContain('Мест не может быть меньше, чем занято сейчас');
    const signPage = await postForm(e01, page.text, `/institution/departments/${mercy}/beds`, {
      total: String(d.beds_total + 2),
      reason: 'Открыта новая палата',
    });
    expect(signPage.status).toBe(200);
    expect((await submitSigned(ctx, e01, signPage.text, 'e01')).status).toBe(303);
    const after = await dept(ctx, mercy);
    expect(after.beds_total).toBe(d.beds_total + 2);
    expect(after.free).toBe(d.free + 2);
    const hist = await e01.get(`/institution/departments/${mercy}/beds`).expect(200);
    expect(hist.text).toContain('Открыта новая палата');
    const change = await ctx
      .db('msu_bed_changes')
      .where({ department_id: mercy })
      .orderBy('id', 'desc')
      .first();
    expect(change.signed_document_id).not.toBeNull();
  });
});
