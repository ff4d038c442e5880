import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, type Agent } from '../../support/http.js';
import { textOf } from '../goods/helpers.js';
import { addPeriod, createOrder, orderRow, periodRow, step, stepOk } from './helpers.js';

const DAY = 24 * 3600 * 1000;
const R = '/sanatorium/orders' as const;
const S = '/sanatorium-cabinet/orders' as const;

async function pdfText(buf: Buffer): Promise<string> {
  const p = new PDFParse({ data: buf });
  try {
    return (await p.getText()).text;
  } finally {
    await p.destroy();
  }
}

describe('a sanatorium order from the choice to the completed stay', () => {
  let ctx: TestContext;
  let r1: Agent;
  let r2: Agent;
  let e1: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    r1 = await loginAs(ctx, 'san-r1');
    r2 = await loginAs(ctx, 'san-r2');
    e1 = await loginAs(ctx, 'san-e1');
  }, 120_000);
  afterAll(async () => {
    ctx.clock.reset();
    await ctx?.close();
  });

  it('«Помощь для вас» offers «Выбрать поставщика» on the sanatorium measure; the search shows matching periods with free places', async () => {
    const help = textOf((await r1.get('/help').expect(200)).text);
    expect(help).toContain('Выбрать поставщика');
    expect((await r1.get('/help').expect(200)).text).toContain('href="/sanatorium"');
    const page = textOf((await r1.get('/sanatorium').expect(200)).text);
    // san-r1's profile is the nervous system: Бурабай treats it, Көкшетау does not; Сарыарка's general profile fits
    expect(page).toContain('Санаторий «Бурабай-Шипагер»');
    expect(page).not.toContain('Санаторий «Көкшетау-Жасыл»');
    expect(page).toContain('Сопровождающий разрешён');
    // the accessibility filter: sign-language support only at Бурабай
    const filtered = textOf((await r1.get('/sanatorium?accessibility=sign_language').expect(200)).text);
    expect(filtered).not.toContain('Санаторий «Сарыарка»');
    // the full period says so and offers no choice
    expect(page).toContain('Мест нет');
  });

  it('refuses an accompanying person where the measure does not allow one, changing nothing', async () => {
    const period = await addPeriod(ctx, 'san-north', { inDays: 10, places: 3, companionPlaces: 2 });
    const page = await r2.get(`/sanatorium/periods/${period}`).expect(200);
    expect(textOf(page.text)).toContain('Ваша ИПР не предусматривает сопровождающего');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await r2
      .post(`/sanatorium/periods/${period}/order`)
      .type('form')
      .send({ _csrf: csrf, companion: 'yes' });
    expect(res.status).toBe(400);
    expect(textOf(res.text)).toContain('Ваша ИПР не предусматривает сопровождающего');
    expect(await periodRow(ctx, period)).toMatchObject({ booked: 0, companion_booked: 0 });
  });

  it('holds the places from the signature, is confirmed with a voucher PDF, and ends with Е-Собес told once', async () => {
    const period = await addPeriod(ctx, 'san-north', { inDays: 5, days: 14, places: 4, companionPlaces: 2 });
    const orderId = await createOrder(ctx, r1, 'san-r1', period, 'yes');
    expect(await periodRow(ctx, period)).toMatchObject({ booked: 1, companion_booked: 1 });
    expect(await orderRow(ctx, orderId)).toMatchObject({ status: 'created', is_open: true });
    // one open order per measure
    const again = await r1.get('/sanatorium').expect(200);
    expect(textOf(again.text)).toContain('Открыт заказ №');

    await stepOk(ctx, r1, 'san-r1', R, orderId, 'confirm');
    expect((await orderRow(ctx, orderId)).status).toBe('awaiting_sanatorium');
    // the order is in «Заказанные услуги»
    const list = textOf((await r1.get('/cabinet/services').expect(200)).text);
    expect(list).toContain((await orderRow(ctx, orderId)).number);
    expect(list).toContain('Ожидается подтверждение санатория');

    // another sanatorium's employee: the order does not exist
    const e2 = await loginAs(ctx, 'san-e2');
    await e2.get(`${S}/${orderId}`).expect(404);
    // another recipient neither
    await r2.get(`${R}/${orderId}`).expect(404);

    expect(textOf((await e1.get('/sanatorium-cabinet').expect(200)).text)).toContain('ҚҰРМАНҒАЛИЕВА');
    await stepOk(ctx, e1, 'san-e1', S, orderId, 'accept');
    expect((await orderRow(ctx, orderId)).status).toBe('confirmed');

    const pdf = await r1
      .get(`${R}/${orderId}/voucher.pdf`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('ҚҰРМАНҒАЛИЕВА ӘСЕЛ ҒАЛЫМҚЫЗЫ');
    expect(text).toContain('Санаторий «Бурабай-Шипагер»');
    const so = (await ctx.db('sanatorium_orders').where({ order_id: orderId }).first()) as {
      voucher_number: string;
      voucher_document_id: number;
    };
    const code = (
      (await ctx.db('signed_documents').where({ id: so.voucher_document_id }).first('verification_code')) as {
        verification_code: string;
      }
    ).verification_code;
    expect(text).toContain(so.voucher_number);
    expect(text).toContain(code);
    expect(text.replace(/\s+/g, '')).toContain(`/verify/${code}`);

    // not before the arrival day
    const early = await step(ctx, e1, 'san-e1', S, orderId, 'arrive');
    expect(early.status).toBe(409);
    expect(textOf(early.text)).toContain('День заезда ещё не наступил');

    ctx.clock.set(new Date(Date.now() + 5 * DAY));
    await stepOk(ctx, e1, 'san-e1', S, orderId, 'arrive');
    // the stay is not over
    expect((await step(ctx, e1, 'san-e1', S, orderId, 'complete')).status).toBe(409);
    ctx.clock.set(new Date(Date.now() + 19 * DAY));
    await stepOk(ctx, e1, 'san-e1', S, orderId, 'complete');
    expect(await orderRow(ctx, orderId)).toMatchObject({ status: 'completed', is_open: false });

    const order = await orderRow(ctx, orderId);
    const measure = (await ctx.db('ipr_measures').where({ id: order.measure_id }).first()) as {
      used_volume: number;
    };
    expect(measure.used_volume).toBe(14);

    const outbox = await ctx.db('outbox').where({ system: 'esobes', topic: 'sanatorium.stay_ended' });
    expect(outbox).toHaveLength(1);
    const payload = outbox[0].payload as Record<string, { signedDocumentId: number } | string | number>;
    expect(payload).toMatchObject({ orderNumber: order.number, status: 'completed', daysUsed: 14 });
    expect((payload.voucherDocument as { signedDocumentId: number }).signedDocumentId).toBe(
      Number(so.voucher_document_id),
    );
    await ctx.services.outbox.deliverDue(100);
    await ctx.services.outbox.deliverDue(100);
    expect(await ctx.db('dev_esobes_inbox').where({ topic: 'sanatorium.stay_ended' })).toHaveLength(1);

    // the recipient was told of each step by their channel and sees the history
    const phone = (
      (await ctx
        .db('persons')
        .where({ id: await personIdOf(ctx, 'san-r1') })
        .first('phone')) as {
        phone: string;
      }
    ).phone;
    const sms = ((await ctx.db('dev_sms').where({ phone }).orderBy('id')) as { text: string }[])
      .map((s) => s.text)
      .join('\n');
    expect(sms).toContain('Путёвка выдана');
    expect(sms).toContain('Лечение завершено');
    const card = textOf((await r1.get(`${R}/${orderId}`).expect(200)).text);
    for (const s of [
      'Создан',
      'Ожидается подтверждение санатория',
      'Путёвка выдана',
      'Заезд состоялся',
      'Лечение завершено',
    ])
      expect(card).toContain(s);
    ctx.clock.reset();
  });

  it('a decline with a reason and a no-show release the places', async () => {
    const period = await addPeriod(ctx, 'san-north', { inDays: 3, days: 10, places: 1, companionPlaces: 0 });
    const first = await createOrder(ctx, r2, 'san-r2', period, 'no');
    await stepOk(ctx, r2, 'san-r2', R, first, 'confirm');
    expect((await periodRow(ctx, period)).booked).toBe(1);
    // a decline needs a reason
    const noReason = await step(ctx, e1, 'san-e1', S, first, 'decline', { reason: '' });
    expect(noReason.status).toBe(400);
    await stepOk(ctx, e1, 'san-e1', S, first, 'decline', { reason: 'Ремонт корпуса' });
    expect(await orderRow(ctx, first)).toMatchObject({ status: 'declined', is_open: false });
    expect((await periodRow(ctx, period)).booked).toBe(0);
    const card = await r2.get(`${R}/${first}`).expect(200);
    expect(textOf(card.text)).toContain('Просмотреть причины');
    expect(textOf(card.text)).toContain('Ремонт корпуса');

    const second = await createOrder(ctx, r2, 'san-r2', period, 'no');
    await stepOk(ctx, r2, 'san-r2', R, second, 'confirm');
    await stepOk(ctx, e1, 'san-e1', S, second, 'accept');
    expect((await periodRow(ctx, period)).booked).toBe(1);
    // on the arrival day a no-show is not yet possible
    ctx.clock.set(new Date(Date.now() + 3 * DAY));
    expect((await step(ctx, e1, 'san-e1', S, second, 'no_show')).status).toBe(409);
    ctx.clock.set(new Date(Date.now() + 4 * DAY));
    await stepOk(ctx, e1, 'san-e1', S, second, 'no_show');
    expect(await orderRow(ctx, second)).toMatchObject({ status: 'no_show', is_open: false });
    expect((await periodRow(ctx, period)).booked).toBe(0);
    ctx.clock.reset();
  });

  it('the administrator sees the registry and the report; the free places are public', async () => {
    const admin = await loginAs(ctx, 'a01');
    const page = await admin.get('/admin/sanatoriums').expect(200);
    expect(page.text).toContain('<svg');
    expect(textOf(page.text)).toContain('Санаторий «Көкшетау-Жасыл»');
    expect(textOf(page.text)).toContain('Акмолинская область');
    const { default: request } = await import('supertest');
    const pub = await request(ctx.app).get('/open-data/sanatoriums').expect(200);
    expect(textOf(pub.text)).toContain('Санаторий «Бурабай-Шипагер»');
  });
});
