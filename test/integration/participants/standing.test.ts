import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, signAs, submitSigned, type Agent } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import {
  textOf,
  createOrder,
  goodsIdByName,
  locationIdByName,
  stockOf,
  stepOk,
  orderRow,
} from '../goods/helpers.js';
import { dept, deptId, ASTANA_GENERAL } from '../msu/helpers.js';
import { actorOf, addEntry, orderInProgress, specialistEntryId } from '../specialist-services/helpers.js';
import { messageText, orgId, standingStep } from './helpers.js';

let ctx: TestContext;
let admin: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await loginAs(ctx, 'a01');
});
afterAll(async () => {
  await ctx?.close();
});

const CENTRE = 'Центр оказания специальных социальных услуг № 1';

describe('suspension: hidden from the choice lists, orders go on, resumed', () => {
  it('hides a suspended МСУ from the catalogue; its staff see the reason and keep working; resume restores', async () => {
    const id = await orgId(ctx, 'msu-astana');
    expect((await request(ctx.app).get('/msu').expect(200)).text).toContain(CENTRE);
    const res = await standingStep(ctx, admin, `/admin/organisations/${id}`, 'suspend', 'Проверка лицензии');
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    expect(await ctx.db('organisations').where({ id }).first('status', 'status_reason')).toEqual({
      status: 'suspended',
      status_reason: 'Проверка лицензии',
    });
    expect((await request(ctx.app).get('/msu').expect(200)).text).not.toContain(CENTRE);
    const general = await deptId(ctx, ASTANA_GENERAL);
    const r01 = await loginAs(ctx, 'r01');
    await r01.get(`/msu/departments/${general}/enrol`).expect(404);

    const staff = await loginAs(ctx, 'e01');
    const cabinet = textOf((await staff.get('/institution').expect(200)).text);
    expect(cabinet).toContain('приостановлена администратором');
    expect(cabinet).toContain('Причина: Проверка лицензии');

    expect((await standingStep(ctx, admin, `/admin/organisations/${id}`, 'resume')).status).toBe(303);
    expect((await request(ctx.app).get('/msu').expect(200)).text).toContain(CENTRE);
    expect(textOf((await staff.get('/institution').expect(200)).text)).not.toContain('Проверка лицензии');
  });

  it("hides a suspended specialist from the recipients' list and shows them the reason; resume restores", async () => {
    const entry = await specialistEntryId(ctx, 's02', 'UZHYA');
    const recipient = await loginAs(ctx, 'r12');
    const listed = async () => textOf((await recipient.get('/services/uzhya/specialists').expect(200)).text);
    expect(await listed()).toContain('ГРИГОРЬЕВ');
    const res = await standingStep(
      ctx,
      admin,
      `/admin/specialists/entries/${entry}`,
      'suspend',
      'Жалобы получателей',
    );
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    expect(await listed()).not.toContain('ГРИГОРЬЕВ');
    const s02 = await loginAs(ctx, 's02');
    const page = textOf((await s02.get('/specialist/orders').expect(200)).text);
    expect(page).toContain('приостановлена администратором');
    expect(page).toContain('Причина: Жалобы получателей');
    const told = (await ctx
      .db('outbox')
      .where('idempotency_key', 'like', `%:specialist-standing:${entry}:%`)
      .first('payload')) as { payload: { text: string } } | undefined;
    expect(told?.payload.text).toContain('Жалобы получателей');
    expect((await standingStep(ctx, admin, `/admin/specialists/entries/${entry}`, 'resume')).status).toBe(
      303,
    );
    expect(await listed()).toContain('ГРИГОРЬЕВ');
  });

  it('refuses a suspension without a reason, and changes nothing', async () => {
    const id = await orgId(ctx, 'sup-care');
    const page = await admin.get(`/admin/organisations/${id}/suspend`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await admin
      .post(`/admin/organisations/${id}/suspend`)
      .type('form')
      .send({ _csrf: csrf, reason: '' });
    expect(res.status).toBe(400);
    expect(textOf(res.text)).toContain('Укажите причину');
    expect((await ctx.db('organisations').where({ id }).first('status'))!.status).toBe('active');
  });
});

describe('exclusion: open orders follow the documented rules', () => {
  it('МСУ: orders not yet enrolled are cancelled with the reason and the recipients told; beds untouched; staff refused', async () => {
    const id = await orgId(ctx, 'msu-astana');
    const general = await deptId(ctx, ASTANA_GENERAL);
    const r01 = await loginAs(ctx, 'r01');
    const page = await r01.get(`/msu/departments/${general}/enrol`).expect(200);
    expect((await submitSigned(ctx, r01, page.text, 'r01')).status).toBe(303);
    const open = (await ctx
      .db('orders as o')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .join('msu_institutions as i', 'i.id', 'm.institution_id')
      .where({ 'i.organisation_id': id, 'o.is_open': true })
      .select('o.id', 'o.status')) as { id: number; status: string }[];
    const waiting = open.filter((o) => ['queued', 'place_offered', 'awaiting_arrival'].includes(o.status));
    const enrolled = open.filter((o) => o.status === 'enrolled');
    expect(waiting.length).toBeGreaterThan(0);
    const bedsBefore = await dept(ctx, general);
    const staff = await loginAs(ctx, 'e01');

    const res = await standingStep(ctx, admin, `/admin/organisations/${id}`, 'exclude', 'Лицензия отозвана');
    expect(res.status, res.text.slice(0, 1500)).toBe(303);

    for (const o of waiting) {
      const row = await orderRow(ctx, o.id);
      expect(row).toMatchObject({ status: 'withdrawn', is_open: false });
      const event = await ctx.db('order_events').where({ order_id: o.id }).orderBy('id', 'desc').first();
      expect(event).toMatchObject({ to_status: 'withdrawn', reason: 'Лицензия отозвана' });
      expect(await messageText(ctx, `order-withdrawn:${o.id}`)).toContain('Лицензия отозвана');
    }
    for (const o of enrolled) expect((await orderRow(ctx, o.id)).status).toBe('enrolled');
    expect(await dept(ctx, general)).toEqual(bedsBefore);
    const card = textOf((await r01.get(`/cabinet`).expect(200)).text);
    expect(card).not.toContain('Ожидание прибытия получателя');

    const refused = await staff.get('/institution').expect(403);
    expect(textOf(refused.text)).toContain('исключена с портала администратором. Причина: Лицензия отозвана');
    // exclusion is final
    const again = textOf((await admin.get(`/admin/organisations/${id}`).expect(200)).text);
    expect(again).toContain('Исключена');
    expect(again).not.toContain('Возобновить');
  });

  it('ТСР: the reserved item goes back to the stock and the order not yet handed over is cancelled', async () => {
    const id = await orgId(ctx, 'sup-sanatorium');
    const recipient = await loginAs(ctx, 'r15');
    const supplier = await loginAs(ctx, 'e07');
    const seni = await goodsIdByName(ctx, 'Подгузники для взрослых «Seni Super», размер L, 30 шт.');
    const warehouse = await locationIdByName(ctx, 'Склад медтехники в Караганде');
    const before = await stockOf(ctx, seni, warehouse);
    const orderId = await createOrder(ctx, recipient, 'r15', 'TSR_DIAPERS', seni, {
      fulfilment: 'courier',
      region: 'Карагандинская область',
      locality: 'г. Караганда',
      street: 'ул. Ермекова',
      house: '30',
      phone: '+7 701 555 1665',
    });
    await stepOk(ctx, recipient, 'r15', 'goods', orderId, 'confirm');
    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'reserve', { locationId: String(warehouse) });
    expect((await stockOf(ctx, seni, warehouse)).reserved).toBe(before.reserved + 1);

    const res = await standingStep(
      ctx,
      admin,
      `/admin/organisations/${id}`,
      'exclude',
      'Поставка контрафакта',
    );
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    expect(await orderRow(ctx, orderId)).toMatchObject({ status: 'withdrawn', is_open: false });
    expect(await stockOf(ctx, seni, warehouse)).toEqual(before);
    expect(await messageText(ctx, `order-withdrawn:${orderId}`)).toContain('Поставка контрафакта');
    const card = textOf((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text);
    expect(card).toContain('Отменен порталом: поставщик исключен');
    // its goods are no longer offered
    expect(textOf((await recipient.get('/goods/TSR_DIAPERS').expect(200)).text)).not.toContain('Seni Super');
  });

  it('specialist: the order awaiting acceptance is cancelled, the one in execution ends with its hours kept', async () => {
    const area = ctx.services.specialistServices;
    const inProgress = await orderInProgress(ctx, 'r03', 's01', 'UZHYA');
    await addEntry(ctx, 's01', inProgress, {
      day: astanaDate(ctx.clock.now()),
      hours: 2,
      format: 'in_person',
      objectsKk: 'Әкімдік',
      objectsRu: 'Акимат',
    });
    const r08 = await actorOf(ctx, 'r08', ['recipient']);
    const sid = await specialistEntryId(ctx, 's01', 'UZHYA');
    const created = await area.orders.issueCreate(r08, 'UZHYA', sid, {
      phone: '+77015550000',
      address: 'г. Астана, ул. Бейбітшілік, 12',
      comment: '',
    });
    const awaiting = await area.orders.create(r08, 'UZHYA', sid, {
      signRequestId: created.signRequest.id,
      signedXml: signAs(ctx, 'r08', 'SIGN', created.signRequest.xml),
    });
    const confirm = await area.orders.issueAction(r08, awaiting.id, 'confirm');
    await area.orders.applyAction(r08, awaiting.id, 'confirm', {
      signRequestId: confirm.signRequest.id,
      signedXml: signAs(ctx, 'r08', 'SIGN', confirm.signRequest.xml),
    });
    const hoursBefore = await ctx
      .db('service_journal_entries')
      .where({ order_id: inProgress })
      .sum('hours as h')
      .first();

    const res = await standingStep(
      ctx,
      admin,
      `/admin/specialists/entries/${sid}`,
      'exclude',
      'Утрата квалификации',
    );
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    expect(await orderRow(ctx, awaiting.id)).toMatchObject({ status: 'withdrawn', is_open: false });
    expect(await orderRow(ctx, inProgress)).toMatchObject({ status: 'ended_by_exclusion', is_open: false });
    expect(
      await ctx.db('service_journal_entries').where({ order_id: inProgress }).sum('hours as h').first(),
    ).toEqual(hoursBefore);
    const esobes = await ctx
      .db('outbox')
      .where({ system: 'esobes', topic: 'service-order-ended' })
      .whereRaw(`payload->>'orderNumber' = ?`, [(await orderRow(ctx, inProgress)).number])
      .first();
    expect(esobes).toBeTruthy();
    for (const o of [awaiting.id, inProgress])
      expect(await messageText(ctx, `order-withdrawn:${o}`)).toContain('Утрата квалификации');
    // the act of the month with the hours logged can still be signed and sent
    const specialist = await actorOf(ctx, 's01', ['specialist']);
    const period = astanaDate(ctx.clock.now()).slice(0, 7);
    const issued = await area.acts.electronic.issue(specialist, inProgress, { period });
    const act = await area.acts.electronic.create(specialist, inProgress, {
      signRequestId: issued.signRequest.id,
      signedXml: signAs(ctx, 's01', 'SIGN', issued.signRequest.xml),
    });
    expect(act.id).toBeGreaterThan(0);
    const s01 = await loginAs(ctx, 's01');
    const page = textOf((await s01.get('/specialist/registry').expect(200)).text);
    expect(page).toContain('Причина: Утрата квалификации');
    expect(await personIdOf(ctx, 's01')).toBeGreaterThan(0);
  });
});
