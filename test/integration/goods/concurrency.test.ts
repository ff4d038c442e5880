import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, signAs, signFormFrom, type Agent } from '../../support/http.js';
import { createOrder, locationIdByName, orderRow, stepOk, stockOf, textOf } from './helpers.js';

const RECIPIENTS = ['r01', 'r02', 'r04', 'r20', 'r05'];

describe('the last item in stock under concurrent confirmations', () => {
  let ctx: TestContext;
  let supplier: Agent;
  let goodsId: number;
  let warehouse: number;
  const orders: number[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    supplier = await loginAs(ctx, 'e05');
    warehouse = await locationIdByName(ctx, 'Склад «Ортомед» на Алаш');
    const org = (await ctx.db('goods_locations').where({ id: warehouse }).first('organisation_id')) as {
      organisation_id: number;
    };
    const [row] = (await ctx
      .db('goods')
      .insert({
        organisation_id: org.organisation_id,
        help_type: 'TSR_WHEELCHAIR',
        name: 'Последняя коляска',
        characteristics: '',
        price_tiyn: 10_000_000,
        accompanying_service: false,
        delivery_options: ['pickup'],
        regions: ['г. Астана'],
      })
      .returning('id')) as { id: number }[];
    goodsId = row!.id;
    await ctx
      .db('goods_stock')
      .insert({ goods_id: goodsId, location_id: warehouse, quantity: RECIPIENTS.length, reserved: 0 });
    // every recipient orders (while several are in stock) and confirms
    for (const key of RECIPIENTS) {
      const agent = await loginAs(ctx, key);
      const id = await createOrder(ctx, agent, key, 'TSR_WHEELCHAIR', goodsId, {
        fulfilment: 'pickup',
        warehouseId: String(warehouse),
      });
      await stepOk(ctx, agent, key, 'goods', id, 'confirm');
      orders.push(id);
    }
    // then the stock shrinks to a single item
    await ctx.db('goods_stock').where({ goods_id: goodsId, location_id: warehouse }).update({ quantity: 1 });
  });
  afterAll(async () => ctx?.close());

  it('reserves it for exactly one order; the others are told and stay awaiting the supplier', async () => {
    // the employee opens every order and signs the reservation of each (all issued while one item is free)
    const signed = [];
    for (const id of orders) {
      const card = await supplier.get(`/supplier/orders/${id}`).expect(200);
      const page = await supplier
        .post(`/supplier/orders/${id}/reserve`)
        .type('form')
        .send({ _csrf: csrfFrom(card.text), locationId: String(warehouse) });
      expect(page.status).toBe(200);
      const form = signFormFrom(page.text);
      signed.push({ id, form, signedXml: signAs(ctx, 'e05', 'SIGN', form.xml) });
    }
    // all posted at once (two app instances would behave the same: the database settles it)
    const results = await Promise.all(
      signed.map((s) =>
        supplier
          .post(s.form.action)
          .type('form')
          .send({ _csrf: s.form.csrf, signRequestId: s.form.signRequestId, signedXml: s.signedXml }),
      ),
    );
    const ok = results.filter((r) => r.status === 303);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(orders.length - 1);
    for (const r of refused)
      expect(textOf(r.text)).toContain('Свободного товара в выбранном месте не осталось');

    expect(await stockOf(ctx, goodsId, warehouse)).toEqual({ quantity: 1, reserved: 1 });
    const statuses = await Promise.all(orders.map((id) => orderRow(ctx, id)));
    expect(statuses.filter((o) => o.status === 'reserved')).toHaveLength(1);
    expect(statuses.filter((o) => o.status === 'awaiting_supplier')).toHaveLength(orders.length - 1);
    // the refused reservations left their sign requests unused: nothing half-done
    const used = await ctx.db('signed_documents').where({ purpose: 'goods.reserve' }).count('* as n').first();
    expect(used).toEqual({ n: 1 });
  });

  it('a declined reservation frees the item for the next order', async () => {
    const statuses = await Promise.all(orders.map(async (id) => ({ id, ...(await orderRow(ctx, id)) })));
    const winner = statuses.find((o) => o.status === 'reserved')!;
    const next = statuses.find((o) => o.status === 'awaiting_supplier')!;
    await stepOk(ctx, supplier, 'e05', 'supplier', winner.id, 'decline', { reason: 'Брак при проверке' });
    expect(await stockOf(ctx, goodsId, warehouse)).toEqual({ quantity: 1, reserved: 0 });
    await stepOk(ctx, supplier, 'e05', 'supplier', next.id, 'reserve', { locationId: String(warehouse) });
    expect(await stockOf(ctx, goodsId, warehouse)).toEqual({ quantity: 1, reserved: 1 });
  });
});
