import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import {
  csrfFrom,
  decodeEntities,
  loginAs,
  personIdOf,
  submitSigned,
  type Agent,
} from '../../support/http.js';
import { orderInProgress, actorOf, specialistEntryId } from '../specialist-services/helpers.js';
import {
  createOrder as createGoodsOrder,
  goodsIdByName,
  locationIdByName,
  stepOk,
} from '../goods/helpers.js';
import { signAs } from '../../support/http.js';

let ctx: TestContext;

/** The table row of an order on a list page (its number links to the card). */
function rowOf(html: string, number: string): string {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  const row = [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
    .map((m) => m[1]!)
    .find((r) => r.includes(`>${number}</a>`));
  if (!row) throw new Error(`order ${number} is not on the page`);
  return row;
}

function numbersOn(html: string): string[] {
  return [
    ...html.matchAll(
      /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)<\/a>/g,
    ),
  ].map((m) => m[1]!);
}

/** What a row offers: each button's words (the visible part) with where it leads and how. */
function actionsOf(row: string): { label: string; href: string; method: 'get' | 'post'; signs: boolean }[] {
  const out: { label: string; href: string; method: 'get' | 'post'; signs: boolean }[] = [];
  for (const m of row.matchAll(
    /<a class="govuk-button[^"]*"[^>]*href="([^"]+)">([^<]+)<span class="govuk-visually-hidden">/g,
  ))
    out.push({ label: m[2]!.trim(), href: decodeEntities(m[1]!), method: 'get', signs: false });
  for (const m of row.matchAll(
    /<form method="post" action="([^"]+)" novalidate( data-eds-issue="SIGN")?>[\s\S]*?<button[^>]*>([^<]+)<span/g,
  ))
    out.push({ label: m[3]!.trim(), href: decodeEntities(m[1]!), method: 'post', signs: Boolean(m[2]) });
  return out;
}

async function numberOf(orderId: number): Promise<string> {
  return ((await ctx.db('orders').where({ id: orderId }).first('number')) as { number: string }).number;
}

async function statusOf(orderId: number): Promise<string> {
  return ((await ctx.db('orders').where({ id: orderId }).first('status')) as { status: string }).status;
}

/** A УЖЯ order sent to the specialist (signed creation and «Заявление на возмещение»), not yet confirmed. */
async function orderAwaitingSpecialist(recipientKey: string, specialistKey: string): Promise<number> {
  const area = ctx.services.specialistServices;
  const recipient = await actorOf(ctx, recipientKey, ['recipient']);
  const sid = await specialistEntryId(ctx, specialistKey, 'UZHYA');
  const created = await area.orders.issueCreate(recipient, 'UZHYA', sid, {
    phone: '+77015550000',
    address: 'г. Астана, ул. Бейбітшілік, 12',
    comment: '',
  });
  const order = await area.orders.create(recipient, 'UZHYA', sid, {
    signRequestId: created.signRequest.id,
    signedXml: signAs(ctx, recipientKey, 'SIGN', created.signRequest.xml),
  });
  const confirm = await area.orders.issueAction(recipient, order.id, 'confirm');
  await area.orders.applyAction(recipient, order.id, 'confirm', {
    signRequestId: confirm.signRequest.id,
    signedXml: signAs(ctx, recipientKey, 'SIGN', confirm.signRequest.xml),
  });
  return order.id;
}

let asR01: Agent;
let asR03: Agent;
let asR15: Agent;
let uip: { id: number; number: string };
let uzhya: { id: number; number: string };
let msuQueued: { id: number; number: string };

beforeAll(async () => {
  ctx = await createTestContext();
  const uipId = await orderInProgress(ctx, 'r01', 's04', 'UIP');
  uip = { id: uipId, number: await numberOf(uipId) };
  const uzhyaId = await orderAwaitingSpecialist('r01', 's01');
  uzhya = { id: uzhyaId, number: await numberOf(uzhyaId) };
  // r03 waits in the queue of «Отделение милосердия» (the dev stand's demo data)
  const r03 = await personIdOf(ctx, 'r03');
  const q = (await ctx.db('orders').where({ recipient_id: r03, kind: 'msu', status: 'queued' }).first()) as {
    id: number;
    number: string;
  };
  msuQueued = { id: q.id, number: q.number };
  [asR01, asR03, asR15] = await Promise.all([loginAs(ctx, 'r01'), loginAs(ctx, 'r03'), loginAs(ctx, 'r15')]);
});
afterAll(async () => {
  await ctx?.close();
});

describe('«Заказанные услуги»: every kind with the actions its machine gives the recipient', () => {
  it('a УЖЯ order awaiting the specialist offers «Отменить», one in execution «Отказаться»; the supplier is named', async () => {
    const page = await asR01.get('/cabinet/services').expect(200);
    expect(page.text).toContain('<caption');
    expect(page.text).toContain('<th scope="col" class="govuk-table__header">Действия</th>');
    const waiting = rowOf(page.text, uzhya.number);
    expect(actionsOf(waiting)).toEqual([
      { label: 'Отменить', href: `/services/orders/${uzhya.id}/cancel`, method: 'get', signs: false },
    ]);
    expect(waiting).toContain('Ожидается подтверждение специалиста');
    expect(waiting).toContain('БАЙМУХАМЕДОВА');
    // the action is named with the order's number for a screen reader
    expect(waiting).toContain(
      `Отменить<span class="govuk-visually-hidden"> (заказ № ${uzhya.number})</span>`,
    );
    const running = rowOf(page.text, uip.number);
    expect(actionsOf(running)).toEqual([
      { label: 'Отказаться', href: `/services/orders/${uip.id}/refuse`, method: 'get', signs: false },
    ]);
    expect(running).toContain('На исполнении');
    expect(running).toContain('Услуга индивидуального помощника');
    expect(running).not.toContain('Просмотреть причины');
  });

  it('an МСУ order in the queue offers «Отменить ожидание очереди»; cancelling it from the list is signed and then shows its reason', async () => {
    const page = await asR03.get('/cabinet/services').expect(200);
    const row = rowOf(page.text, msuQueued.number);
    expect(row).toContain('Ожидание очереди');
    const [cancel, ...rest] = actionsOf(row);
    expect(rest).toEqual([]);
    expect(cancel).toEqual({
      label: 'Отменить ожидание очереди',
      href: `/msu/orders/${msuQueued.id}/cancel-queue`,
      method: 'get',
      signs: false,
    });
    // the kind's own refusal page: reason → «Подписать» → the document signed with r03's key
    const reasonPage = await asR03.get(cancel!.href).expect(200);
    expect(reasonPage.text).toMatch(/<button type="submit" class="govuk-button"[^>]*>Подписать<\/button>/);
    const signPage = await asR03
      .post(cancel!.href)
      .type('form')
      .send({ _csrf: csrfFrom(reasonPage.text), reason: 'Переезжаю к дочери в Алматы' })
      .expect(200);
    expect((await submitSigned(ctx, asR03, signPage.text, 'r03')).status).toBe(303);
    expect(await statusOf(msuQueued.id)).toBe('queue_cancelled');

    const after = rowOf((await asR03.get('/cabinet/services').expect(200)).text, msuQueued.number);
    expect(after).toContain('Отмена ожидания очереди');
    expect(actionsOf(after)).toEqual([]);
    expect(after).toContain('Просмотреть причины');
    expect(after).toContain('Переезжаю к дочери в Алматы');
  });

  it('refusing a service in execution from the list leaves it «Отменен по инициативе получателя» with the chosen reason to view', async () => {
    const page = await asR01.get('/cabinet/services').expect(200);
    const refuse = actionsOf(rowOf(page.text, uip.number))[0]!;
    const reasonPage = await asR01.get(refuse.href).expect(200);
    const signPage = await asR01
      .post(refuse.href)
      .type('form')
      .send({ _csrf: csrfFrom(reasonPage.text), reason: 'quality', comment: 'Опаздывает' })
      .expect(200);
    expect((await submitSigned(ctx, asR01, signPage.text, 'r01')).status).toBe(303);
    const row = rowOf((await asR01.get('/cabinet/services').expect(200)).text, uip.number);
    expect(row).toContain('Отменен по инициативе получателя');
    expect(actionsOf(row)).toEqual([]);
    expect(row).toContain(
      `Просмотреть причины<span class="govuk-visually-hidden"> (заказ № ${uip.number})</span>`,
    );
    expect(row).toContain('Не устраивает качество оказания услуг — Опаздывает');
  });

  it('filters by kind and by status; a value the list does not have is refused with a message', async () => {
    const specialists = await asR01.get('/cabinet/services?type=specialist').expect(200);
    expect(numbersOn(specialists.text).sort()).toEqual([uip.number, uzhya.number].sort());
    const msu = await asR01.get('/cabinet/services?type=msu').expect(200);
    expect(numbersOn(msu.text)).toEqual([]);
    expect(msu.text).toContain('Заказов не найдено.');
    // the filter offers the kinds of the section, with the seed's words
    expect(specialists.text).toContain('<option value="msu">МСУ</option>');
    expect(specialists.text).toContain('<option value="specialist" selected>УЖЯ/УИП</option>');
    const waiting = await asR01.get('/cabinet/services?status=awaiting_specialist').expect(200);
    expect(numbersOn(waiting.text)).toEqual([uzhya.number]);
    const wrong = await asR01.get('/cabinet/services?type=goods').expect(400);
    expect(wrong.text).toContain('Выберите значение из списка.');
    const odd = await asR01.get('/cabinet/services?status=%3Cscript%3E').expect(400);
    expect(odd.text).toContain('Выберите значение из списка.');
  });

  it("never shows another person's orders", async () => {
    const r01 = numbersOn((await asR01.get('/cabinet/services').expect(200)).text);
    const r03 = numbersOn((await asR03.get('/cabinet/services').expect(200)).text);
    expect(r01).toContain(uip.number);
    expect(r03).toContain(msuQueued.number);
    expect(r01).not.toContain(msuQueued.number);
    expect(r03).not.toContain(uip.number);
    expect(r03).not.toContain(uzhya.number);
    const r02 = await loginAs(ctx, 'r02');
    const theirs = numbersOn((await r02.get('/cabinet/services').expect(200)).text);
    for (const n of [uip.number, uzhya.number, msuQueued.number]) expect(theirs).not.toContain(n);
  });

  it('speaks Kazakh and English', async () => {
    const en = await asR01.get('/cabinet/services?lang=en').expect(200);
    expect(rowOf(en.text, uzhya.number)).toContain('Cancel<span class="govuk-visually-hidden"> (order No.');
    expect(en.text).toContain('<h1 class="govuk-heading-l">Ordered services</h1>');
    const kk = await asR01.get('/cabinet/services?lang=kk').expect(200);
    expect(kk.text).toContain('<h1 class="govuk-heading-l">Тапсырыс берілген қызметтер</h1>');
    await asR01.get('/cabinet/services?lang=ru').expect(200);
  });
});

describe('«Заказанные услуги»: contracts of special social services', () => {
  it("lists ssu-r1's contracts of every status: «Подписать договор» on the one the provider signed, «Расторгнуть договор» on an active one, the reason of a declined one", async () => {
    const person = await personIdOf(ctx, 'ssu-r1');
    const rows = (await ctx
      .db('ssu_contracts')
      .where({ person_id: person })
      .select('id', 'number', 'status')) as {
      id: number;
      number: string | null;
      status: string;
    }[];
    const by = (status: string) => rows.find((r) => r.status === status)!;
    const label = (c: { id: number; number: string | null }) => c.number ?? String(c.id);
    const asR1 = await loginAs(ctx, 'ssu-r1');
    const page = await asR1.get('/cabinet/services?type=contract').expect(200);
    expect(numbersOn(page.text).sort()).toEqual(rows.map(label).sort());
    const signing = by('provider_signed');
    expect(actionsOf(rowOf(page.text, label(signing)))).toEqual([
      { label: 'Подписать договор', href: `/contracts/${signing.id}/sign`, method: 'get', signs: false },
      {
        label: 'Расторгнуть договор',
        href: `/contracts/${signing.id}/terminate`,
        method: 'get',
        signs: false,
      },
    ]);
    const active = by('active');
    expect(actionsOf(rowOf(page.text, label(active))).map((a) => a.label)).toEqual(['Расторгнуть договор']);
    const declined = by('declined');
    const declinedRow = rowOf(page.text, label(declined));
    expect(actionsOf(declinedRow)).toEqual([]);
    expect(declinedRow).toContain('Просмотреть причины');
    expect(declinedRow).toContain('Отклонён поставщиком');
    // nobody else sees them
    const others = numbersOn((await asR01.get('/cabinet/services').expect(200)).text);
    for (const r of rows) expect(others).not.toContain(label(r));
  });
});

describe('«Заказы товаров»', () => {
  it('a created order offers «Подтвердить» and «Удалить», a confirmed one «Отменить» (signed forms of the card); a declined one its reasons', async () => {
    const warehouse = await locationIdByName(ctx, 'Склад медтехники в Караганде');
    const seni = await goodsIdByName(ctx, 'Подгузники для взрослых «Seni Super», размер L, 30 шт.');
    const first = await createGoodsOrder(ctx, asR15, 'r15', 'TSR_DIAPERS', seni, {
      fulfilment: 'pickup',
      warehouseId: String(warehouse),
    });
    const number = await numberOf(first);
    const created = rowOf((await asR15.get('/cabinet/goods').expect(200)).text, number);
    expect(actionsOf(created)).toEqual([
      { label: 'Подтвердить', href: `/goods/orders/${first}/confirm`, method: 'post', signs: true },
      { label: 'Удалить', href: `/goods/orders/${first}/delete`, method: 'post', signs: true },
    ]);

    // «Подтвердить» from the list: the form's post answers with the document to sign
    const list = await asR15.get('/cabinet/goods').expect(200);
    const signPage = await asR15
      .post(`/goods/orders/${first}/confirm`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(200);
    expect((await submitSigned(ctx, asR15, signPage.text, 'r15')).status).toBe(303);
    const confirmed = rowOf((await asR15.get('/cabinet/goods').expect(200)).text, number);
    expect(confirmed).toContain('Ожидается подтверждение поставщика');
    expect(actionsOf(confirmed)).toEqual([
      { label: 'Отменить', href: `/goods/orders/${first}/cancel`, method: 'post', signs: true },
    ]);

    // the supplier reserves and then declines with a reason
    const supplier = await loginAs(ctx, 'e07');
    await stepOk(ctx, supplier, 'e07', 'supplier', first, 'reserve', { locationId: String(warehouse) });
    await stepOk(ctx, supplier, 'e07', 'supplier', first, 'decline', {
      reason: 'Партия отозвана производителем',
    });
    const declined = rowOf((await asR15.get('/cabinet/goods').expect(200)).text, number);
    expect(declined).toContain('Отклонен поставщиком');
    expect(actionsOf(declined)).toEqual([]);
    expect(declined).toContain('Просмотреть причины');
    expect(declined).toContain('Партия отозвана производителем');

    // goods are not on «Заказанные услуги», services not on «Заказы товаров»
    expect(numbersOn((await asR15.get('/cabinet/services').expect(200)).text)).not.toContain(number);
    expect(numbersOn((await asR01.get('/cabinet/goods').expect(200)).text)).not.toContain(uip.number);
  });
});

describe('a guardian', () => {
  it("acting for the ward sees the ward's orders with their actions; acting for themselves, not", async () => {
    const r06 = await personIdOf(ctx, 'r06');
    const wardOrder = await ctx.db.transaction((tx) =>
      ctx.services.orders.create(tx, {
        kind: 'service',
        helpType: 'UZHYA',
        recipientId: r06,
        createdBy: r06,
        status: 'awaiting_specialist',
      }),
    );
    const forWard = await loginAs(ctx, 'g01', { actFor: 'r06' });
    const page = await forWard.get('/cabinet/services').expect(200);
    expect(page.text).toContain('ПЕТРОВА ЕЛЕНА ВИКТОРОВНА');
    expect(actionsOf(rowOf(page.text, wardOrder.number))).toEqual([
      { label: 'Отменить', href: `/services/orders/${wardOrder.id}/cancel`, method: 'get', signs: false },
    ]);
    const self = await loginAs(ctx, 'g01');
    expect(numbersOn((await self.get('/cabinet/services').expect(200)).text)).not.toContain(wardOrder.number);
  });
});
