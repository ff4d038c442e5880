import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, decodeEntities, loginAs, personIdOf, postForm, submitSigned } from '../../support/http.js';
import { ASTANA_GENERAL, ASTANA_MERCY, dept, deptId, orderOf } from './helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('МСУ catalogue', () => {
  it('lists institutions with departments, free beds and the buttons the seeds name, without login', async () => {
    const res = await request(ctx.app).get('/msu').expect(200);
    expect(res.text).toContain('Центр оказания специальных социальных услуг № 1');
    expect(res.text).toContain(ASTANA_MERCY);
    expect(res.text).toContain('Записаться');
    expect(res.text).toContain('Встать в очередь');
    expect(res.text).toMatch(/данные на \d\d\.\d\d\.\d{4}/);
  });

  it('filters by region and profile', async () => {
    const res = await request(ctx.app).get('/msu?profile=mercy').expect(200);
    expect(res.text).toContain(ASTANA_MERCY);
    expect(res.text).not.toContain('Психоневрологическое отделение (мужское)');
    const kar = await request(ctx.app)
      .get('/msu?region=' + encodeURIComponent('Карагандинская область'))
      .expect(200);
    expect(kar.text).toContain('Темиртауский');
    expect(kar.text).not.toContain('г. Алматы»');
  });
});

describe('«Записаться» → «Подтвердить»', () => {
  it('holds a bed: «Ожидание прибытия получателя», one bed fewer, a referral in the public log', async () => {
    const id = await deptId(ctx, ASTANA_GENERAL);
    const before = await dept(ctx, id);
    const agent = await loginAs(ctx, 'r01');
    const page = await agent.get(`/msu/departments/${id}/enrol`).expect(200);
    expect(page.text).toContain('Подтвердить');
    expect(page.text).toContain('документ, удостоверяющий личность');
    const res = await submitSigned(ctx, agent, page.text, 'r01');
    expect(res.status).toBe(303);
    const card = await agent.get(res.headers.location as string).expect(200);
    expect(card.text).toContain('Ожидание прибытия получателя');
    expect((await dept(ctx, id)).free).toBe(before.free - 1);
    const pub = await request(ctx.app).get('/open-data/referrals').expect(200);
    expect(pub.text).toContain('Т*** Т. Т.');
  });

  it('refuses a second open МСУ order for the same recipient', async () => {
    const id = await deptId(ctx, ASTANA_GENERAL);
    const agent = await loginAs(ctx, 'r01');
    const page = await agent.get(`/msu/departments/${id}/enrol`);
    expect(page.status).toBe(409);
    expect(page.text).toContain('незавершённый заказ МСУ');
  });

  it('another person cannot open the order card (404)', async () => {
    const r01 = await personIdOf(ctx, 'r01');
    const order = (await orderOf(ctx, r01))!;
    const other = await loginAs(ctx, 'r02');
    await other.get(`/msu/orders/${order.id}`).expect(404);
  });
});

describe('«Встать в очередь» and «Отменить ожидание очереди»', () => {
  it('a full department offers only the queue; signing gives «Ожидание очереди» with a position', async () => {
    const id = await deptId(ctx, ASTANA_MERCY);
    const agent = await loginAs(ctx, 'r20');
    // «Записаться» on a full department leads to the queue offer
    const full = await agent.get(`/msu/departments/${id}/enrol`);
    expect(full.status).toBe(409);
    expect(full.text).toContain('Свободных мест нет');
    const page = await agent.get(`/msu/departments/${id}/queue`).expect(200);
    const res = await submitSigned(ctx, agent, page.text, 'r20');
    expect(res.status).toBe(303);
    const card = await agent.get(res.headers.location as string).expect(200);
    expect(card.text).toContain('Ожидание очереди');
    expect(card.text).toMatch(/id="queue-position">4</);
    // one number about the queue, under one label: the place in it
    expect(card.text.match(/Место в очереди/g)).toHaveLength(1);
    expect(card.text).not.toContain('Номер в очереди');

    // the signed application names what it is about in words, not «msu-department 2»
    const doc = (await ctx
      .db('signed_documents')
      .where({ object_type: 'msu-department', object_id: String(id) })
      .orderBy('id', 'desc')
      .first('id')) as { id: number };
    const evidence = await agent.get(`/documents/${doc.id}`).expect(200);
    const object = /Объект<\/dt><dd class="govuk-summary-list__value">([^<]*)</.exec(evidence.text)?.[1];
    expect(decodeEntities(object ?? '')).toBe(
      'Отделение милосердия, КГУ «Центр оказания специальных социальных услуг № 1» г. Астана',
    );
    const en = await agent.get(`/documents/${doc.id}?lang=en`).expect(200);
    expect(decodeEntities(en.text)).toContain(
      'Mercy department, КГУ «Центр оказания специальных социальных услуг № 1» г. Астана',
    );
  });

  it('cancelling asks for a reason, then a signature, and frees the recipient to enrol elsewhere', async () => {
    const r20 = await personIdOf(ctx, 'r20');
    const order = (await orderOf(ctx, r20))!;
    const agent = await loginAs(ctx, 'r20');
    const card = await agent.get(`/msu/orders/${order.id}`).expect(200);
    expect(card.text).toContain('Отменить ожидание очереди');
    const form = await agent.get(`/msu/orders/${order.id}/cancel-queue`).expect(200);
    const empty = await postForm(agent, form.text, `/msu/orders/${order.id}/cancel-queue`, { reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Укажите причину');
    const signPage = await postForm(agent, form.text, `/msu/orders/${order.id}/cancel-queue`, {
      reason: 'Переезд к родственникам',
    });
    expect(signPage.status).toBe(200);
    expect(signPage.text).toContain('Подписать');
    const done = await submitSigned(ctx, agent, signPage.text, 'r20');
    expect(done.status).toBe(303);
    const after = await agent.get(`/msu/orders/${order.id}`).expect(200);
    expect(after.text).toContain('Отмена ожидания очереди');
    expect(after.text).toContain('Переезд к родственникам');
    const again = await agent.get(`/msu/departments/${await deptId(ctx, ASTANA_GENERAL)}/enrol`).expect(200);
    expect(csrfFrom(again.text)).toBeTruthy();
  });
});

describe('a guardian acts for a ward', () => {
  it('the order is the ward’s, signed by the guardian; the ward’s card is the guardian’s to open', async () => {
    const id = await deptId(ctx, ASTANA_GENERAL);
    const agent = await loginAs(ctx, 'g01', { actFor: 'r06' });
    const page = await agent.get(`/msu/departments/${id}/enrol`).expect(200);
    expect(page.text).toContain('ПЕТРОВА ЕЛЕНА');
    const res = await submitSigned(ctx, agent, page.text, 'g01');
    expect(res.status).toBe(303);
    const r06 = await personIdOf(ctx, 'r06');
    const g01 = await personIdOf(ctx, 'g01');
    const order = (await ctx.db('orders').where({ recipient_id: r06, kind: 'msu' }).first()) as {
      id: number;
      created_by: number;
    };
    expect(order.created_by).toBe(g01);
    const doc = (await ctx
      .db('signed_documents')
      .where({ purpose: 'msu.enrol', principal_id: r06 })
      .first()) as { signer_id: number };
    expect(doc.signer_id).toBe(g01);
    await agent.get(`/msu/orders/${order.id}`).expect(200);
  });

  it('a recipient without an МСУ measure is told before signing anything', async () => {
    const r02 = await personIdOf(ctx, 'r02');
    await ctx.db('ipr_measures').where({ person_id: r02, help_type: 'MSU' }).update({ status: 'closed' });
    const agent = await loginAs(ctx, 'r02');
    const page = await agent.get(`/msu/departments/${await deptId(ctx, ASTANA_GENERAL)}/enrol`);
    expect(page.status).toBe(409);
    expect(page.text).not.toContain('data-eds-sign');
  });
});
