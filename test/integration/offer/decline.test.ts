import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, postForm, submitSigned, type Agent } from '../../support/http.js';
import { textOf } from '../goods/helpers.js';

/** Awaits a request and checks its status (showing the page when it differs). */
async function expectStatus<T extends { status: number; text: string }>(
  p: Promise<T>,
  status: number,
): Promise<T> {
  const res = await p;
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  return res;
}

describe('the organisation declines an order sent to it (reason, signed with the employee’s key)', () => {
  let ctx: TestContext;
  let recipient: Agent; // r02, УИП, Astana
  let employee: Agent; // e08, ТОО «Забота и помощь»
  let careId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    recipient = await loginAs(ctx, 'r02');
    employee = await loginAs(ctx, 'e08');
    careId = (
      (await ctx.db('organisations').where({ name: 'ТОО «Забота и помощь»' }).first('id')) as { id: number }
    ).id;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** The recipient orders assistant hours from the organisation and signs the reimbursement application. */
  async function orderToOrganisation(): Promise<number> {
    const form = await recipient.get(`/services/uip/organisations/${careId}/order`).expect(200);
    const sign = await expectStatus(
      postForm(recipient, form.text, `/services/uip/organisations/${careId}/order`, {
        phone: '+77015550101',
        email: '',
        address: 'г. Астана, ул. Сарыарка, 8, кв. 2',
        comment: '',
      }),
      200,
    );
    const created = await expectStatus(submitSigned(ctx, recipient, sign.text, 'r02'), 303);
    const id = Number(/\/services\/orders\/(\d+)/.exec(created.headers.location as string)![1]);
    const confirm = await recipient.get(`/services/orders/${id}/confirm`).expect(200);
    await expectStatus(submitSigned(ctx, recipient, confirm.text, 'r02'), 303);
    return id;
  }

  const statusOf = async (id: number) =>
    ((await ctx.db('orders').where({ id }).first('status')) as { status: string }).status;

  it('needs a reason, is signed, closes the order and shows the reason to the recipient', async () => {
    const id = await orderToOrganisation();
    const card = await employee.get(`/supplier/service-orders/${id}`).expect(200);
    expect(card.text).toContain(`/supplier/service-orders/${id}/decline`);
    expect(textOf(card.text)).toContain('Отказать');

    // another organisation's employee gets 404 on the page and on the post, and nothing changes
    const other = await loginAs(ctx, 'e06');
    await other.get(`/supplier/service-orders/${id}/decline`).expect(404);
    const otherCard = await other.get('/supplier/service-orders').expect(200);
    await expectStatus(
      postForm(other, otherCard.text, `/supplier/service-orders/${id}/decline`, { reason: 'busy' }),
      404,
    );

    const page = await employee.get(`/supplier/service-orders/${id}/decline`).expect(200);
    const pageText = textOf(page.text);
    expect(pageText).toContain('Отказ в принятии заказа');
    expect(pageText).toContain('Нет свободного специалиста для оказания услуги');
    expect(pageText).toContain('ТОО «Забота и помощь»');

    // no reason, or «Другая причина» without a word: the page again with the message, nothing changes
    const none = await expectStatus(
      postForm(employee, page.text, `/supplier/service-orders/${id}/decline`, {}),
      400,
    );
    expect(textOf(none.text)).toContain('Выберите причину.');
    const bare = await expectStatus(
      postForm(employee, page.text, `/supplier/service-orders/${id}/decline`, {
        reason: 'other',
        comment: '',
      }),
      400,
    );
    expect(textOf(bare.text)).toContain('Поясните причину.');
    // a reason of the specialist's list is not the organisation's
    await expectStatus(
      postForm(employee, page.text, `/supplier/service-orders/${id}/decline`, { reason: 'health' }),
      400,
    );
    expect(await statusOf(id)).toBe('awaiting_specialist');

    const sign = await expectStatus(
      postForm(employee, page.text, `/supplier/service-orders/${id}/decline`, {
        reason: 'noSpecialist',
        comment: 'Все помощники заняты до конца месяца',
      }),
      200,
    );
    expect(textOf(sign.text)).toContain('Подписание отказа в принятии заказа');
    // the recipient's key does not sign the organisation's refusal
    const wrong = await submitSigned(ctx, employee, sign.text, 'r02');
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(await statusOf(id)).toBe('awaiting_specialist');

    const done = await expectStatus(submitSigned(ctx, employee, sign.text, 'e08'), 303);
    expect(done.headers.location).toBe(`/supplier/service-orders/${id}`);
    expect(await statusOf(id)).toBe('declined_by_organisation');
    const event = (await ctx
      .db('order_events as e')
      .join('signed_documents as d', 'd.id', 'e.signed_document_id')
      .where({ 'e.order_id': id, 'e.action': 'decline' })
      .first('e.to_status', 'e.details', 'd.purpose', 'd.signer_id')) as {
      to_status: string;
      details: { reasonCode: string; comment: string };
      purpose: string;
      signer_id: number;
    };
    expect(event).toMatchObject({
      to_status: 'declined_by_organisation',
      details: { reasonCode: 'noSpecialist', comment: 'Все помощники заняты до конца месяца' },
      purpose: 'service-order-decline',
      signer_id: await personIdOf(ctx, 'e08'),
    });
    // signed once: posting the same signature again changes nothing
    expect((await submitSigned(ctx, employee, sign.text, 'e08')).status).toBeGreaterThanOrEqual(400);
    expect(await ctx.db('order_events').where({ order_id: id, action: 'decline' })).toHaveLength(1);

    // the organisation's card: the status, the reason, the history, no more buttons
    const after = await employee.get(`/supplier/service-orders/${id}`).expect(200);
    const afterText = textOf(after.text);
    expect(afterText).toContain('Отклонен организацией');
    expect(afterText).toContain('Заказ отклонен организацией');
    expect(after.text).not.toContain(`/supplier/service-orders/${id}/decline`);
    expect(after.text).not.toContain(`/supplier/service-orders/${id}/assign`);

    // the recipient: told by SMS, the status and «Просмотреть причины» in the card and in the list
    const sms = await ctx
      .db('outbox')
      .where({ system: 'sms' })
      .where('idempotency_key', `sms:service-order:${id}:declined_by_organisation`);
    expect(sms).toHaveLength(1);
    expect(JSON.stringify(sms[0].payload)).toContain('отказала в принятии заказа');
    const view = textOf((await recipient.get(`/services/orders/${id}`).expect(200)).text);
    for (const s of [
      'Отклонен организацией',
      'Просмотреть причины',
      'Отказ организации',
      'Нет свободного специалиста для оказания услуги — Все помощники заняты до конца месяца',
      'Подписано ЭЦП',
    ])
      expect(view).toContain(s);
    const list = textOf((await recipient.get('/services/orders').expect(200)).text);
    expect(list).toContain('Отклонен организацией');
    expect(list).toContain('Нет свободного специалиста для оказания услуги');
  });

  it('cannot decline an order already assigned, even with a refusal issued before the assignment', async () => {
    const id = await orderToOrganisation();
    const page = await employee.get(`/supplier/service-orders/${id}/decline`).expect(200);
    const sign = await expectStatus(
      postForm(employee, page.text, `/supplier/service-orders/${id}/decline`, { reason: 'busy' }),
      200,
    );

    // meanwhile the organisation assigns its specialist (a colleague, or another tab)
    const s08Entry = (await ctx
      .db('specialists')
      .where({ person_id: await personIdOf(ctx, 's08'), kind: 'UIP' })
      .first('id')) as { id: number };
    const card = await employee.get(`/supplier/service-orders/${id}`).expect(200);
    const assign = await expectStatus(
      postForm(employee, card.text, `/supplier/service-orders/${id}/assign`, {
        specialist: String(s08Entry.id),
      }),
      200,
    );
    await expectStatus(submitSigned(ctx, employee, assign.text, 'e08'), 303);
    expect(await statusOf(id)).toBe('in_progress');

    const late = await submitSigned(ctx, employee, sign.text, 'e08');
    expect(late.status).toBe(409);
    expect(textOf(late.text)).toContain('Организация уже назначила специалиста по этому заказу');
    expect(await statusOf(id)).toBe('in_progress');
    expect(await ctx.db('order_events').where({ order_id: id, action: 'decline' })).toHaveLength(0);

    const again = await employee.get(`/supplier/service-orders/${id}/decline`);
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain('отказать в нем больше нельзя');
    const card2 = await employee.get(`/supplier/service-orders/${id}`).expect(200);
    expect(card2.text).not.toContain(`/supplier/service-orders/${id}/decline`);

    // in Kazakh the message is Kazakh
    const kk = await loginAs(ctx, 'e08', { lang: 'kk' });
    const kkRes = await kk.get(`/supplier/service-orders/${id}/decline`);
    expect(kkRes.status).toBe(409);
    expect(textOf(kkRes.text)).toContain('маманды тағайындап қойған');
  });
});
