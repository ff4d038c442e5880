import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';
import { toLocalInput } from '../../../src/modules/goods/rules.js';
import {
  createOrder,
  goodsIdByName,
  locationIdByName,
  orderRow,
  step,
  stepOk,
  stockOf,
  textOf,
} from './helpers.js';

const ARMED = 'Кресло-коляска комнатная «Армед H 035»';
const ORTONICA = 'Кресло-коляска комнатная «Ortonica Base 130»';
const MEGA = 'Кресло-коляска комнатная облегчённая «Мега-Оптим 511A»';
const KAR_WAREHOUSE = 'Склад медтехники в Караганде';

describe('goods orders: choice, creation window, signed steps, hand-over', () => {
  let ctx: TestContext;
  let recipient: Agent;
  let supplier: Agent;
  let armed: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    recipient = await loginAs(ctx, 'r15'); // Караганда
    supplier = await loginAs(ctx, 'e07'); // АО «Санаторий Сарыарка и Медтехника»
    armed = await goodsIdByName(ctx, ARMED);
  });
  afterAll(async () => ctx?.close());

  it('lists the entitled ТСР and, per kind, goods of suppliers serving the recipient’s region with the surcharge', async () => {
    const kinds = textOf((await recipient.get('/goods').expect(200)).text);
    expect(kinds).toContain('Технические средства реабилитации');
    expect(kinds).toContain('Кресло-коляска комнатная');
    expect(kinds).toContain('Слуховой аппарат');

    const offers = textOf((await recipient.get('/goods/TSR_WHEELCHAIR').expect(200)).text);
    expect(offers).toContain(ARMED);
    expect(offers).toContain(ORTONICA);
    expect(offers).not.toContain(MEGA); // sup-care does not serve Карагандинская область
    // Ortonica: 135 000 ₸ against a guaranteed 120 000 ₸ → 15 000 ₸ surcharge; Armed is cheaper → none
    expect(offers).toMatch(/15\s000,00 ₸/);
    expect(offers).toContain('Без доплаты');
    expect(offers).toContain('Заказать');
  });

  it('refuses an incomplete courier address with field messages', async () => {
    const page = await recipient.get(`/goods/TSR_WHEELCHAIR/${armed}/order`).expect(200);
    expect(textOf(page.text)).toContain('Курьерская доставка');
    expect(textOf(page.text)).toContain('Самовывоз');
    const res = await recipient
      .post(`/goods/TSR_WHEELCHAIR/${armed}/order`)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        fulfilment: 'courier',
        region: 'Карагандинская область',
        locality: '',
        street: '',
        house: '',
        phone: '',
      });
    expect(res.status).toBe(400);
    const text = textOf(res.text);
    expect(text).toContain('Исправьте ошибки');
    expect(text).toContain('Введите населённый пункт.');
    expect(text).toContain('Введите улицу.');
    expect(text).toContain('Введите номер дома.');
    expect(await ctx.db('orders').where({ kind: 'goods' }).count('* as n').first()).toEqual({ n: 0 });
  });

  it('walks the courier path: create, confirm, reserve, hand to the courier with a track number, deliver', async () => {
    const r15 = await personIdOf(ctx, 'r15');
    const warehouse = await locationIdByName(ctx, KAR_WAREHOUSE);
    const stockBefore = await stockOf(ctx, armed, warehouse);

    const orderId = await createOrder(ctx, recipient, 'r15', 'TSR_WHEELCHAIR', armed, {
      fulfilment: 'courier',
      region: 'Карагандинская область',
      locality: 'г. Караганда',
      street: 'ул. Ермекова',
      house: '30',
      flat: '9',
      phone: '+7 701 555 1665',
    });
    let card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Создан');
    expect(card).toContain('Карагандинская область, г. Караганда, ул. Ермекова, 30, кв. 9');
    expect(card).toContain('Подтвердить');
    expect(card).toContain('Удалить');

    // one open order per help type
    const again = await recipient.get(`/goods/TSR_WHEELCHAIR`).expect(200);
    expect(textOf(again.text)).toContain('уже есть незавершённый заказ');

    await stepOk(ctx, recipient, 'r15', 'goods', orderId, 'confirm');
    card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Ожидается подтверждение поставщика');
    expect(card).toContain('Отменить заказ');

    // the supplier finds it in the list, filtered by status
    const list = textOf((await supplier.get('/supplier/orders?status=awaiting_supplier').expect(200)).text);
    expect(list).toContain((await orderRow(ctx, orderId)).number);
    expect(list).toContain('ДЖАКСЫБЕКОВ');

    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'reserve', { locationId: String(warehouse) });
    expect(await stockOf(ctx, armed, warehouse)).toEqual({
      quantity: stockBefore.quantity,
      reserved: stockBefore.reserved + 1,
    });
    card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Товар есть в наличии, зарезервирован');
    expect(card).not.toContain('Отменить заказ'); // confirmed by the supplier: no more cancelling

    // a malformed track number is refused with a message beside the field
    const bad = await step(ctx, supplier, 'e07', 'supplier', orderId, 'hand_to_courier', {
      trackNumber: 'RR123456789KZ',
    });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Трек-номер не соответствует формату КазПочты');

    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'hand_to_courier', {
      trackNumber: 'rr 123456785 kz',
    });
    const cardHtml = (await recipient.get(`/goods/orders/${orderId}`).expect(200)).text;
    expect(textOf(cardHtml)).toContain('Передан курьеру');
    expect(textOf(cardHtml)).toContain('RR123456785KZ');
    expect(cardHtml).toContain(`href="${ctx.services.integrations.kazpost.trackingUrl('RR123456785KZ')}"`);
    expect(textOf(cardHtml)).toContain('Отследить доставку');

    // hand-over in the future is refused
    const future = await step(ctx, supplier, 'e07', 'supplier', orderId, 'deliver', {
      handedOverAt: '2099-01-01T10:00',
    });
    expect(future.status).toBe(400);
    expect(textOf(future.text)).toContain('не могут быть в будущем');

    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'deliver', {
      handedOverAt: toLocalInput(ctx.clock.now()),
    });

    const order = await orderRow(ctx, orderId);
    expect(order.status).toBe('delivered_courier');
    expect(order.is_open).toBe(false);
    card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Успешно доставлен курьером');
    // the whole history is on the card
    for (const s of [
      'Создан',
      'Ожидается подтверждение поставщика',
      'Товар есть в наличии, зарезервирован',
      'Передан курьеру',
    ]) {
      expect(card).toContain(s);
    }
    // stock left the warehouse, the measure's volume is used
    expect(await stockOf(ctx, armed, warehouse)).toEqual({
      quantity: stockBefore.quantity - 1,
      reserved: stockBefore.reserved,
    });
    const measure = (await ctx.db('ipr_measures').where({ id: order.measure_id }).first()) as {
      used_volume: number;
      status: string;
    };
    expect(measure).toMatchObject({ used_volume: 1, status: 'fulfilled' });

    // Е-Собес gets the fulfilment with the signed reimbursement application
    const esobes = (await ctx
      .db('outbox')
      .where({ system: 'esobes', idempotency_key: `goods-order:${orderId}:fulfilled` })
      .first()) as {
      payload: Record<string, unknown> & {
        reimbursementApplication: { signedDocumentId: number; xmlRef: string };
      };
    };
    const go = (await ctx.db('goods_orders').where({ order_id: orderId }).first()) as {
      reimbursement_document_id: number;
    };
    expect(esobes.payload).toMatchObject({
      orderNumber: order.number,
      helpType: 'TSR_WHEELCHAIR',
      fulfilment: 'courier',
      priceTiyn: 11_800_000,
      reimbursementTiyn: 11_800_000,
      surchargeTiyn: 0,
    });
    expect(esobes.payload.reimbursementApplication.signedDocumentId).toBe(go.reimbursement_document_id);
    expect(esobes.payload.reimbursementApplication.xmlRef).toBe(
      `/documents/${go.reimbursement_document_id}/xml`,
    );
    const signed = (await ctx.db('signed_documents').where({ id: go.reimbursement_document_id }).first()) as {
      kind: string;
      signer_id: number;
    };
    expect(signed).toMatchObject({ kind: 'reimbursement-application', signer_id: r15 });

    // the recipient was told of every supplier step, by SMS (their channel)
    await ctx.services.outbox.deliverDue(100);
    const phone = ((await ctx.db('persons').where({ id: r15 }).first('phone')) as { phone: string }).phone;
    const sms = ((await ctx.db('dev_sms').where({ phone }).orderBy('id')) as { text: string }[])
      .map((s) => s.text)
      .join('\n');
    expect(sms).toContain('зарезервирован');
    expect(sms).toContain('RR123456785KZ');
    expect(sms).toContain('успешно доставлен курьером');
  });

  it('lets the recipient cancel before the supplier confirms, and a declined reservation returns to stock', async () => {
    const warehouse = await locationIdByName(ctx, KAR_WAREHOUSE);
    const first = await createOrder(
      ctx,
      recipient,
      'r15',
      'TSR_DIAPERS',
      await goodsIdByName(ctx, 'Подгузники для взрослых «Seni Super», размер L, 30 шт.'),
      {
        fulfilment: 'pickup',
        warehouseId: String(warehouse),
      },
    );
    await stepOk(ctx, recipient, 'r15', 'goods', first, 'confirm');
    await stepOk(ctx, recipient, 'r15', 'goods', first, 'cancel', { reason: 'Передумал' });
    expect(await orderRow(ctx, first)).toMatchObject({ status: 'cancelled_by_recipient', is_open: false });
    expect(textOf((await supplier.get(`/supplier/orders/${first}`).expect(200)).text)).toContain(
      'Причина: Передумал',
    );

    // a new order of the same kind is possible again; the supplier reserves, then declines
    const seni = await goodsIdByName(ctx, 'Подгузники для взрослых «Seni Super», размер L, 30 шт.');
    const before = await stockOf(ctx, seni, warehouse);
    const second = await createOrder(ctx, recipient, 'r15', 'TSR_DIAPERS', seni, {
      fulfilment: 'pickup',
      warehouseId: String(warehouse),
    });
    await stepOk(ctx, recipient, 'r15', 'goods', second, 'confirm');
    await stepOk(ctx, supplier, 'e07', 'supplier', second, 'reserve', { locationId: String(warehouse) });
    expect((await stockOf(ctx, seni, warehouse)).reserved).toBe(before.reserved + 1);

    const noReason = await step(ctx, supplier, 'e07', 'supplier', second, 'decline', { reason: '' });
    expect(noReason.status).toBe(400);
    expect(textOf(noReason.text)).toContain('Укажите причину.');
    await stepOk(ctx, supplier, 'e07', 'supplier', second, 'decline', {
      reason: 'Партия отозвана производителем',
    });
    expect(await stockOf(ctx, seni, warehouse)).toEqual(before);
    const card = textOf((await recipient.get(`/goods/orders/${second}`).expect(200)).text);
    expect(card).toContain('Отклонен поставщиком');
    expect(card).toContain('Партия отозвана производителем');
  });

  it('deletes a created order on the recipient’s signed refusal', async () => {
    const goodsId = await goodsIdByName(ctx, 'Трость тактильная «Ambutech» 130 см');
    const orderId = await createOrder(ctx, recipient, 'r15', 'TSR_WHITE_CANE', goodsId, {
      fulfilment: 'courier',
      region: 'Карагандинская область',
      locality: 'г. Караганда',
      street: 'ул. Ермекова',
      house: '30',
      phone: '87015551665',
    });
    await stepOk(ctx, recipient, 'r15', 'goods', orderId, 'delete');
    expect(await orderRow(ctx, orderId)).toMatchObject({ status: 'deleted', is_open: false });
    const card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Удален');
    expect(card).not.toContain('Подтвердить');
    const again = await step(ctx, recipient, 'r15', 'goods', orderId, 'confirm');
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain('Это действие недоступно в текущем статусе заказа.');
  });

  it('refuses a signature by somebody else than the logged-in person', async () => {
    const goodsId = await goodsIdByName(ctx, 'Слуховой аппарат заушный «Widex Moment 110»');
    const st = await locationIdByName(ctx, 'Отделение медтехники санатория «Сарыарка»');
    const orderId = await createOrder(ctx, recipient, 'r15', 'TSR_HEARING_AID', goodsId, {
      fulfilment: 'stationary',
      stationaryId: String(st),
    });
    const res = await step(ctx, recipient, 'r14', 'goods', orderId, 'confirm');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await orderRow(ctx, orderId)).toMatchObject({ status: 'created' });
  });

  it('lets a guardian order for the ward: the ward is the recipient, the guardian signs', async () => {
    const guardian = await loginAs(ctx, 'g02', { actFor: 'r07' });
    const ward = await personIdOf(ctx, 'r07');
    const g02 = await personIdOf(ctx, 'g02');
    const tena = await goodsIdByName(ctx, 'Подгузники для взрослых «Tena Slip Plus», размер M, 30 шт.');
    const wh = await locationIdByName(ctx, 'Склад «Забота и помощь» в Астане');
    const orderId = await createOrder(ctx, guardian, 'g02', 'TSR_DIAPERS', tena, {
      fulfilment: 'pickup',
      warehouseId: String(wh),
    });
    await stepOk(ctx, guardian, 'g02', 'goods', orderId, 'confirm');
    const order = (await ctx.db('orders').where({ id: orderId }).first()) as {
      recipient_id: number;
      created_by: number;
      status: string;
    };
    expect(order).toMatchObject({ recipient_id: ward, created_by: g02, status: 'awaiting_supplier' });
    const docs = (await ctx
      .db('signed_documents')
      .where({ object_id: String(orderId), object_type: 'goods-order' })) as {
      signer_id: number;
      principal_id: number;
    }[];
    expect(docs).toEqual([expect.objectContaining({ signer_id: g02, principal_id: ward })]);
    // acting for herself, the guardian does not see the ward's order
    const self = await loginAs(ctx, 'g02', { actFor: 'g02' });
    await self.get(`/goods/orders/${orderId}`).expect(404);
  });

  it('never shows one recipient’s order to another, nor one supplier’s order to another supplier', async () => {
    const order = (await ctx.db('orders').where({ kind: 'goods' }).orderBy('id').first('id')) as {
      id: number;
    };
    const otherRecipient = await loginAs(ctx, 'r14');
    await otherRecipient.get(`/goods/orders/${order.id}`).expect(404);
    const card = await otherRecipient.get('/goods');
    await otherRecipient
      .post(`/goods/orders/${order.id}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(card.text) })
      .expect(404);

    const otherSupplier = await loginAs(ctx, 'e05'); // ТОО «Ортомед Астана»
    await otherSupplier.get(`/supplier/orders/${order.id}`).expect(404);
    const list = await otherSupplier.get('/supplier/orders').expect(200);
    expect(textOf(list.text)).toContain('Заказов не найдено.');
    await otherSupplier
      .post(`/supplier/orders/${order.id}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), reason: 'чужой заказ' })
      .expect(404);
    // a recipient is not a supplier, a supplier is not a recipient
    await recipient.get('/supplier/orders').expect(403);
    await supplier.get('/goods').expect(403);
  });
});
