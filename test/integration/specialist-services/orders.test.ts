import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, postForm, submitSigned, type Agent } from '../../support/http.js';
import { specialistEntryId } from './helpers.js';

async function postExpect(status: number, ...args: Parameters<typeof postForm>) {
  const res = await postForm(...args);
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 800)}`);
  return res;
}

async function signExpect(status: number, ...args: Parameters<typeof submitSigned>) {
  const res = await submitSigned(...args);
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 800)}`);
  return res;
}

function orderIdFrom(location: string): number {
  const m = /\/services\/orders\/(\d+)$/.exec(location);
  if (!m) throw new Error(`unexpected redirect ${location}`);
  return Number(m[1]);
}

describe('УЖЯ/УИП orders: recipient and specialist through the pages', () => {
  let ctx: TestContext;
  let r02: Agent;
  let s01: Agent;
  let s02: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    [r02, s01, s02] = await Promise.all([loginAs(ctx, 'r02'), loginAs(ctx, 's01'), loginAs(ctx, 's02')]);
  });
  afterAll(async () => ctx?.close());

  async function createOrder(
    agent: Agent,
    personKey: string,
    slug: string,
    specialistKey: string,
    kind: 'UZHYA' | 'UIP',
  ): Promise<number> {
    const sid = await specialistEntryId(ctx, specialistKey, kind);
    const form = await agent.get(`/services/${slug}/specialists/${sid}/order`).expect(200);
    expect(form.text).toContain('Сведения о специалисте');
    expect(form.text).toContain('Контактные данные получателя');
    expect(form.text).toContain('Адресные сведения получателя');
    const signPage = await postExpect(200, agent, form.text, `/services/${slug}/specialists/${sid}/order`, {
      phone: '+7 701 555 12 34',
      email: '',
      address: 'г. Астана, пр. Абая, 3, кв. 17',
      comment: 'Нужен перевод на приёме у врача',
    });
    expect(signPage.text).toContain('data-eds-sign="SIGN"');
    const done = await signExpect(303, ctx, agent, signPage.text, personKey);
    return orderIdFrom(done.headers.location as string);
  }

  it('lists the sign-language specialists and refuses an invalid form with messages beside the fields', async () => {
    const list = await r02.get('/services/uzhya/specialists').expect(200);
    expect(list.text).toContain('БАЙМУХАМЕДОВА');
    expect(list.text).toContain('ГРИГОРЬЕВ');
    expect(list.text).toContain('Заказать');
    const sid = await specialistEntryId(ctx, 's01', 'UZHYA');
    const form = await r02.get(`/services/uzhya/specialists/${sid}/order`).expect(200);
    const bad = await postExpect(400, r02, form.text, `/services/uzhya/specialists/${sid}/order`, {
      phone: '12',
      address: '',
    });
    expect(bad.text).toContain('govuk-error-summary');
    expect(bad.text).toContain('Введите номер мобильного телефона');
    expect(bad.text).toContain('Укажите адрес');
  });

  it('offers individual assistants only in the locality of permanent registration', async () => {
    const r04 = await loginAs(ctx, 'r04');
    const list = await r04.get('/services/uip/specialists').expect(200);
    expect(list.text).toContain('МУСИН'); // Астана
    expect(list.text).not.toContain('ОРЛОВА'); // Алматы
    expect(list.text).not.toContain('ТОКТАРОВ'); // Темиртау
    const almaty = await specialistEntryId(ctx, 's05', 'UIP');
    await r04.get(`/services/uip/specialists/${almaty}/order`).expect(404);
  });

  it('walks «Создан» → «Ожидается подтверждение специалиста» → «На исполнении» with signatures, and blocks a second order', async () => {
    const id = await createOrder(r02, 'r02', 'uzhya', 's01', 'UZHYA');
    let card = await r02.get(`/services/orders/${id}`).expect(200);
    expect(card.text).toContain('Создан');
    expect(card.text).toContain('Удалить');
    expect(card.text).toContain('Подтвердить');

    // the same help type cannot be ordered again while this order is open
    const list = await r02.get('/services/uzhya/specialists').expect(200);
    expect(list.text).toContain('уже есть заказ');
    expect(list.text).not.toContain('>Заказать<');

    const application = await r02.get(`/services/orders/${id}/confirm`).expect(200);
    expect(application.text).toContain('Заявление на возмещение');
    expect(application.text).toContain('>Отмена<');
    await signExpect(303, ctx, r02, application.text, 'r02');
    card = await r02.get(`/services/orders/${id}`).expect(200);
    expect(card.text).toContain('Ожидается подтверждение специалиста');
    expect(card.text).toContain('Отменить');

    const cabinet = await s01.get('/specialist/orders').expect(200);
    expect(cabinet.text).toContain('Кабинет специалиста – Заказы услуг');
    expect(cabinet.text).toContain('АХМЕТОВА');
    expect(cabinet.text).toContain('Ответить');
    const respond = await s01.get(`/specialist/orders/${id}/respond`).expect(200);
    expect(respond.text).toContain('Подтверждение заказа услуги');
    expect(respond.text).toContain('Отклонить');
    await signExpect(303, ctx, s01, respond.text, 's01');

    card = await r02.get(`/services/orders/${id}`).expect(200);
    expect(card.text).toContain('На исполнении');
    expect(card.text).toContain('Отказаться');
    const detail = await s01.get(`/specialist/orders/${id}`).expect(200);
    for (const s of ['Создан', 'Ожидается подтверждение специалиста', 'На исполнении', 'Подписано ЭЦП'])
      expect(detail.text).toContain(s);
    const signed = await ctx.db('order_events').where({ order_id: id }).whereNotNull('signed_document_id');
    expect(signed).toHaveLength(3);
    // the specialist was told by SMS of the new order, the recipient of the confirmation
    const sms = await ctx
      .db('outbox')
      .where({ system: 'sms' })
      .whereLike('idempotency_key', `sms:service-order:${id}:%`);
    expect(sms).toHaveLength(2);
  });

  it('searches the cabinet by recipient surname and status', async () => {
    const hit = await s01.get('/specialist/orders?surname=ахмет&status=in_progress').expect(200);
    expect(hit.text).toContain('АХМЕТОВА');
    const miss = await s01.get('/specialist/orders?surname=ИВАНОВ').expect(200);
    expect(miss.text).not.toContain('АХМЕТОВА');
    expect(miss.text).toContain('Заказов не найдено');
  });

  it('never lets a specialist reach another specialist’s order (404), nor a recipient another recipient’s', async () => {
    const order = (await ctx
      .db('orders')
      .where({ kind: 'service', recipient_id: await personIdOf(ctx, 'r02') })
      .first('id')) as { id: number };
    await s02.get(`/specialist/orders/${order.id}`).expect(404);
    await s02.get(`/specialist/orders/${order.id}/respond`).expect(404);
    await s02.get(`/specialist/journal/new?order=${order.id}`).expect(404);
    await s02.get(`/specialist/journal?order=${order.id}`).expect(404);
    const cabinet = await s02.get('/specialist/orders').expect(200);
    expect(cabinet.text).not.toContain('АХМЕТОВА');
    const r08 = await loginAs(ctx, 'r08');
    await r08.get(`/services/orders/${order.id}`).expect(404);
    // a recipient is not a specialist
    await r02.get('/specialist/orders').expect(403);
  });

  it('lets the recipient refuse during execution with a reason (signed) and shows the reasons as text', async () => {
    const order = (await ctx
      .db('orders')
      .where({ kind: 'service', recipient_id: await personIdOf(ctx, 'r02') })
      .first('id')) as { id: number };
    const form = await r02.get(`/services/orders/${order.id}/refuse`).expect(200);
    const missing = await postExpect(400, r02, form.text, `/services/orders/${order.id}/refuse`, {
      comment: '',
    });
    expect(missing.text).toContain('Выберите причину');
    const sign = await postExpect(200, r02, form.text, `/services/orders/${order.id}/refuse`, {
      reason: 'schedule',
      comment: 'Занятия по вечерам',
    });
    await signExpect(303, ctx, r02, sign.text, 'r02');
    const card = await r02.get(`/services/orders/${order.id}`).expect(200);
    expect(card.text).toContain('Отменен по инициативе получателя');
    expect(card.text).toContain(
      '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">Просмотреть причины',
    );
    expect(card.text).toContain('Не устраивает график работы специалиста');
    expect(card.text).toContain('Занятия по вечерам');
    const cabinet = await s01.get('/specialist/orders').expect(200);
    expect(cabinet.text).toContain('Просмотреть причины');
    const ended = await ctx.db('outbox').where({ system: 'esobes', topic: 'service-order-ended' });
    expect(ended).toHaveLength(1);
    // the help type is free again
    const again = await r02.get('/services/uzhya/specialists').expect(200);
    expect(again.text).toContain('Заказать');
  });

  it('lets the recipient delete a created order, and cancel one awaiting the specialist', async () => {
    const id = await createOrder(r02, 'r02', 'uzhya', 's02', 'UZHYA');
    const card = await r02.get(`/services/orders/${id}`).expect(200);
    await r02
      .post(`/services/orders/${id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(card.text) })
      .expect(303);
    expect((await r02.get(`/services/orders/${id}`)).text).toContain('Удален');

    const id2 = await createOrder(r02, 'r02', 'uzhya', 's02', 'UZHYA');
    await signExpect(303, ctx, r02, (await r02.get(`/services/orders/${id2}/confirm`)).text, 'r02');
    const form = await r02.get(`/services/orders/${id2}/cancel`).expect(200);
    const sign = await postExpect(200, r02, form.text, `/services/orders/${id2}/cancel`, {
      reason: 'changedMind',
      comment: '',
    });
    await signExpect(303, ctx, r02, sign.text, 'r02');
    expect((await r02.get(`/services/orders/${id2}`)).text).toContain('Отменен по инициативе получателя');
    // the specialist can no longer answer it
    await s02.get(`/specialist/orders/${id2}/respond`).expect(409);
  });

  it('hides «Подтвердить» from a specialist with a pending exclusion application and says why; only «Отклонить» works', async () => {
    const r15 = await loginAs(ctx, 'r15');
    const s03 = await loginAs(ctx, 's03');
    const id = await createOrder(r15, 'r15', 'uzhya', 's03', 'UZHYA');
    await signExpect(303, ctx, r15, (await r15.get(`/services/orders/${id}/confirm`)).text, 'r15');
    const respond = await s03.get(`/specialist/orders/${id}/respond`).expect(200);
    expect(respond.text).toContain('актуальное заявление на исключение из реестра');
    expect(respond.text).not.toContain('data-eds-sign');
    expect(respond.text).toContain('Отклонить');
    // nor can it be confirmed through the service
    const s03Actor = {
      personId: await personIdOf(ctx, 's03'),
      principalId: await personIdOf(ctx, 's03'),
      roles: ['specialist' as const],
    };
    const err = await ctx.services.specialistServices.orders
      .issueAction(s03Actor, id, 'accept')
      .catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('services:errors.pendingExclusion');

    const form = await s03.get(`/specialist/orders/${id}/reject`).expect(200);
    const sign = await postExpect(200, s03, form.text, `/specialist/orders/${id}/reject`, {
      reason: 'exclusion',
      comment: '',
    });
    await signExpect(303, ctx, s03, sign.text, 's03');
    const card = await r15.get(`/services/orders/${id}`).expect(200);
    expect(card.text).toContain('Отклонен специалистом');
    expect(card.text).toContain('Подано заявление на исключение из реестра специалистов');
  });

  it('lets a guardian order for the ward: the ward is the recipient, the guardian signs', async () => {
    const g03 = await loginAs(ctx, 'g03', { actFor: 'r12' });
    const id = await createOrder(g03, 'g03', 'uzhya', 's02', 'UZHYA');
    const row = (await ctx.db('orders').where({ id }).first()) as {
      recipient_id: number;
      created_by: number;
    };
    expect(row.recipient_id).toBe(await personIdOf(ctx, 'r12'));
    expect(row.created_by).toBe(await personIdOf(ctx, 'g03'));
    const card = await g03.get(`/services/orders/${id}`).expect(200);
    expect(card.text).toContain('ТУРСЫНОВА ЖАНАР');
    const doc = (await ctx
      .db('signed_documents')
      .where({ purpose: 'service-order-create', signer_id: row.created_by })
      .first()) as {
      signer_id: number;
      principal_id: number;
    };
    expect(doc).toMatchObject({ signer_id: row.created_by, principal_id: row.recipient_id });
  });

  it('renders the cabinet in Kazakh and English', async () => {
    const kk = await s01.get('/specialist/orders?lang=kk').expect(200);
    expect(kk.text).toContain('Маман кабинеті – Қызметтерге тапсырыстар');
    const en = await s01.get('/specialist/orders?lang=en').expect(200);
    expect(en.text).toContain('Specialist&#39;s cabinet – Service orders');
    await s01.get('/specialist/orders?lang=ru').expect(200);
  });
});
