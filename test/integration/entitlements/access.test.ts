import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, type Agent } from '../../support/http.js';
import type { OrderKind, OrderRow } from '../../../src/modules/orders/orders-repository.js';
import { NotFoundError } from '../../../src/lib/errors.js';

let ctx: TestContext;
let r01: number;
let r02: number;
let r06: number;
let g01: number;
let asR01: Agent;
let asR02: Agent;

/** An order as the order modules create it (they are other engineers' work; the row is what counts here). */
async function createOrder(
  recipientId: number,
  kind: OrderKind,
  helpType: string,
  status: string,
  at?: Date,
): Promise<OrderRow> {
  return ctx.db.transaction((tx) =>
    ctx.services.orders.create(tx, {
      kind,
      helpType,
      recipientId,
      createdBy: recipientId,
      status,
      ...(at ? { at } : {}),
    }),
  );
}

function card(html: string, helpType: string): string {
  const start = html.indexOf(`data-help-type="${helpType}"`);
  if (start < 0) throw new Error(`${helpType} is not on the page`);
  const end = html.indexOf('class="govuk-summary-card"', start);
  return html.slice(start, end < 0 ? undefined : end);
}

function rowsOf(html: string): string[] {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  ctx = await createTestContext();
  [r01, r02, r06, g01] = await Promise.all([
    personIdOf(ctx, 'r01'),
    personIdOf(ctx, 'r02'),
    personIdOf(ctx, 'r06'),
    personIdOf(ctx, 'g01'),
  ]);
  asR01 = await loginAs(ctx, 'r01');
  asR02 = await loginAs(ctx, 'r02');
});
afterAll(async () => {
  await ctx?.close();
});

describe('«Помощь для вас»', () => {
  it('offers the action that fits each measure', async () => {
    const page = await asR01.get('/help').expect(200);
    expect(page.text).toContain('<h1 class="govuk-heading-l">Помощь для вас</h1>');
    for (const s of ['Услуги', 'Технические средства реабилитации', 'Социальные выплаты'])
      expect(page.text).toContain(s);
    expect(page.text).toContain('ИПР № ESOBES-IPR-R01 от 01.09.2026, действует до 31.08.2027');
    expect(card(page.text, 'MSU')).toMatch(/href="\/msu\?measure=\d+">Выбрать поставщика/);
    expect(card(page.text, 'UZHYA')).toContain('href="/services/uzhya/specialists">Выбрать поставщика');
    expect(card(page.text, 'UIP')).toContain('href="/services/uip/specialists">Выбрать поставщика');
    expect(card(page.text, 'TSR_PROSTHESIS')).toContain('href="/goods/TSR_PROSTHESIS">Выбрать');
    expect(card(page.text, 'UIP')).toContain('120 ч.');
    expect(card(page.text, 'PAYMENT_SPECIAL')).toMatch(/45\s000,00 ₸/);
    // sanatorium treatment (issue 17) is chosen on the portal too
    expect(card(page.text, 'SANATORIUM')).toContain('href="/sanatorium">Выбрать поставщика');
    expect(card(page.text, 'PAYMENT_SPECIAL')).not.toContain('govuk-button');
    expect(card(page.text, 'PAYMENT_SPECIAL')).toContain('Назначено');
  });

  it('while an order of a help type is open its action is disabled, with the order number linking to the order', async () => {
    const order = await createOrder(r01, 'service', 'UZHYA', 'awaiting_specialist');
    const page = await asR01.get('/help').expect(200);
    const uzhya = card(page.text, 'UZHYA');
    expect(uzhya).not.toContain('href="/services/uzhya/specialists"');
    expect(uzhya).toMatch(/<button type="button" class="govuk-button[^"]*" disabled aria-disabled="true"/);
    expect(uzhya).toContain(
      `<a class="govuk-link" href="/services/orders/${order.id}">№ ${order.number}</a>`,
    );
    expect(uzhya).toContain('Заказ оформлен');
    // other help types are not affected
    expect(card(page.text, 'UIP')).toContain('href="/services/uip/specialists"');
    // the rule every order module calls agrees
    await expect(
      ctx.db.transaction((tx) => ctx.services.entitlements.assertCanOrder(tx, r01, 'UZHYA')),
    ).rejects.toMatchObject({
      code: 'one_open_order_per_help_type',
    });
    await ctx
      .db('orders')
      .where({ id: order.id })
      .update({ is_open: false, status: 'cancelled_by_recipient' });
    const after = await asR01.get('/help').expect(200);
    expect(card(after.text, 'UZHYA')).toContain('href="/services/uzhya/specialists"');
  });

  it('speaks Kazakh and English too', async () => {
    const kk = await asR01.get('/help?lang=kk').expect(200);
    expect(kk.text).toContain('Сізге арналған көмек');
    expect(kk.text).toContain('Ым тілі маманының қызметі');
    const en = await asR01.get('/help?lang=en').expect(200);
    expect(en.text).toContain('Help for you');
    expect(en.text).toContain('Sign-language specialist service');
    await asR01.get('/help?lang=ru').expect(200);
  });
});

describe('«Заказанные услуги» and «Заказы товаров»', () => {
  let msu: OrderRow;
  let uip: OrderRow;
  let goods: OrderRow;
  beforeAll(async () => {
    msu = await createOrder(r01, 'msu', 'MSU', 'awaiting_queue', new Date('2026-10-05T06:00:00Z'));
    uip = await createOrder(r01, 'service', 'UIP', 'created', new Date('2026-10-20T06:00:00Z'));
    goods = await createOrder(r01, 'goods', 'TSR_WHEELCHAIR', 'created');
    await createOrder(r02, 'service', 'UIP', 'created');
  });

  it("lists the principal's МСУ and specialist orders with links to their cards, and filters them", async () => {
    const all = await asR01.get('/cabinet/services').expect(200);
    expect(all.text).toContain(`href="/msu/orders/${msu.id}">${msu.number}</a>`);
    expect(all.text).toContain(`href="/services/orders/${uip.id}">${uip.number}</a>`);
    expect(all.text).not.toContain(goods.number);
    expect(all.text).toContain('<caption');
    const onlyMsu = await asR01.get('/cabinet/services?type=msu').expect(200);
    expect(rowsOf(onlyMsu.text)).toHaveLength(1);
    expect(onlyMsu.text).toContain(msu.number);
    const specialists = await asR01.get('/cabinet/services?type=specialist').expect(200);
    expect(specialists.text).toContain(uip.number);
    expect(specialists.text).not.toContain(msu.number);
    const byStatus = await asR01.get('/cabinet/services?status=awaiting_queue').expect(200);
    expect(rowsOf(byStatus.text)).toHaveLength(1);
    const byDates = await asR01.get('/cabinet/services?from=2026-10-01&to=10.10.2026').expect(200);
    expect(rowsOf(byDates.text)).toHaveLength(1);
    expect(byDates.text).toContain(msu.number);
    const bad = await asR01.get('/cabinet/services?from=2026-13-45').expect(400);
    expect(bad.text).toContain('Введите дату в формате ДД.ММ.ГГГГ');
    const reversed = await asR01.get('/cabinet/services?from=2026-11-01&to=2026-10-01').expect(400);
    expect(reversed.text).toContain('не может быть позже');
  });

  it('lists goods orders on «Заказы товаров»', async () => {
    const page = await asR01.get('/cabinet/goods').expect(200);
    expect(page.text).toContain(`href="/goods/orders/${goods.id}">${goods.number}</a>`);
    expect(page.text).not.toContain(msu.number);
  });

  it('pages through many orders', async () => {
    // finished orders (not open), as many as two pages need
    await ctx.db('orders').insert(
      Array.from({ length: 22 }, (_, i) => ({
        number: `2026-T${String(i).padStart(6, '0')}`,
        kind: 'service',
        help_type: 'UIP',
        recipient_id: r01,
        created_by: r01,
        status: 'completed',
        is_open: false,
      })),
    );
    const first = await asR01.get('/cabinet/services').expect(200);
    expect(rowsOf(first.text)).toHaveLength(20);
    expect(first.text).toContain('govuk-pagination');
    const total = Number(
      (await ctx
        .db('orders')
        .where({ recipient_id: r01 })
        .whereIn('kind', ['msu', 'service'])
        .count('* as n')
        .first())!.n,
    );
    expect(total).toBeGreaterThan(20);
    expect(first.text).toContain(`Заказы: найдено ${total}`);
    const second = await asR01.get('/cabinet/services?page=2').expect(200);
    expect(rowsOf(second.text)).toHaveLength(total - 20);
  });

  it("GET /cabinet/orders/:number opens the card of one's own order, and answers 404 for anybody else's", async () => {
    const own = await asR01.get(`/cabinet/orders/${msu.number}`).expect(303);
    expect(own.headers.location).toBe(`/msu/orders/${msu.id}`);
    const g = await asR01.get(`/cabinet/orders/${goods.number}`).expect(303);
    expect(g.headers.location).toBe(`/goods/orders/${goods.id}`);
    await asR02.get(`/cabinet/orders/${msu.number}`).expect(404);
    await asR02.get('/cabinet/orders/2026-9999999').expect(404);
    const theirs = await asR02.get('/cabinet/services').expect(200);
    expect(theirs.text).not.toContain(msu.number);
  });
});

describe('guardians and authorisation', () => {
  it("a guardian acting for the ward sees the ward's data and orders, and says whose they are", async () => {
    const wardOrder = await createOrder(r06, 'msu', 'MSU', 'awaiting_arrival');
    const g = await loginAs(ctx, 'g01', { actFor: 'r06' });
    const cabinet = await g.get('/cabinet').expect(200);
    expect(cabinet.text).toContain('Данные получателя: ПЕТРОВА ЕЛЕНА ВИКТОРОВНА');
    expect(cabinet.text).toContain('Вы действуете от имени подопечного');
    const help = await g.get('/help').expect(200);
    expect(help.text).toContain(`href="/msu/orders/${wardOrder.id}">№ ${wardOrder.number}</a>`);
    const orders = await g.get('/cabinet/services').expect(200);
    expect(orders.text).toContain(wardOrder.number);
    await g.get(`/cabinet/orders/${wardOrder.number}`).expect(303);

    // acting for themselves, the ward's records are not theirs
    const self = await loginAs(ctx, 'g01');
    const own = await self.get('/cabinet').expect(200);
    expect(own.text).toContain('Данные получателя: ПЕТРОВ ИГОРЬ ВИКТОРОВИЧ');
    expect(own.text).not.toContain('ПЕТРОВА ЕЛЕНА');
    await self.get(`/cabinet/orders/${wardOrder.number}`).expect(404);
    const ownOrders = await self.get('/cabinet/services').expect(200);
    expect(ownOrders.text).not.toContain(wardOrder.number);
  });

  it("the services refuse a principal that is not the actor's ward (404), whatever the session says", async () => {
    const actor = { personId: g01, principalId: r01, roles: ['guardian' as const] };
    await expect(ctx.services.entitlements.cabinet.profile(actor)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ctx.services.entitlements.help.page(actor, 'ru')).rejects.toBeInstanceOf(NotFoundError);
    const notGuardian = { personId: r02, principalId: r06, roles: ['recipient' as const] };
    await expect(ctx.services.entitlements.cabinet.profile(notGuardian)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("another recipient's measure cannot be touched by id (404)", async () => {
    const m = (await ctx
      .db('ipr_measures')
      .where({ person_id: r01, help_type: 'TSR_WHEELCHAIR' })
      .first()) as { id: number };
    await ctx
      .db('ipr_measures')
      .where({ id: m.id })
      .update({ status: 'choice_blocked', choice_blocked_at: new Date() });
    const page = await asR02.get('/help').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await asR02.post(`/help/measures/${m.id}/activate`).type('form').send({ _csrf: csrf }).expect(404);
    expect((await ctx.db('ipr_measures').where({ id: m.id }).first()).status).toBe('choice_blocked');
  });

  it('a visitor is sent to log in, and other roles are refused', async () => {
    const anon = await request(ctx.app).get('/cabinet').expect(303);
    expect(anon.headers.location).toMatch(/^\/login\?next=/);
    const specialist = await loginAs(ctx, 's01');
    await specialist.get('/help').expect(403);
    await specialist.get('/cabinet/services').expect(403);
  });
});
