import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import { createTestContext, type TestContext } from '../../support/context.js';
import {
  csrfFrom,
  uploadActionFrom,
  decodeEntities,
  loginAs,
  postForm,
  submitSigned,
  type Agent,
} from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { formatPeriod, tFor } from '../../../src/lib/i18n.js';
import { actorOf, addEntry, orderInProgress } from './helpers.js';

const MONTH_LOCK =
  'Действие "Добавить новую запись в журнал" недоступно, т.к. за текущий месяц вы уже направили акт выполненных работ';
const KAZAKH_OBJECTS =
  'ӘКІМДІК, ҒЫЛЫМ ОРДАСЫ, ҚАЛАЛЫҚ ЕМХАНА, ҰЛТТЫҚ КІТАПХАНА, ҮКІМЕТ ҮЙІ, ӨНЕР САРАЙЫ, ШАҺАР, ҚОҢЫР КӨЛ';

async function pdfText(buf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: buf });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** Collects a binary response body (PDF, scans) as a Buffer. */
const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const binaryParser = binary as unknown as (
  res: unknown,
  cb: (err: Error | null, body: unknown) => void,
) => void;

describe('monthly acts: PDF, scanned upload, month lock, electronic signing, ending the work', () => {
  let ctx: TestContext;
  let today: string;
  let period: string;
  let s04: Agent;
  let uip: number;
  let uzhya: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.clock.set(new Date());
    today = astanaDate(ctx.clock.now());
    period = today.slice(0, 7);
    uip = await orderInProgress(ctx, 'r01', 's04', 'UIP');
    uzhya = await orderInProgress(ctx, 'r02', 's01', 'UZHYA');
    await addEntry(ctx, 's04', uip, {
      day: today,
      hours: 4,
      objectsKk: KAZAKH_OBJECTS,
      objectsRu: 'Акимат, научный центр, городская поликлиника',
    });
    s04 = await loginAs(ctx, 's04');
  });
  afterAll(async () => ctx?.close());

  it('forms the act and the accompaniment sheet as PDF with the entries, totals, both parties and Kazakh letters', async () => {
    const search = await s04
      .get(`/specialist/acts?year=${period.slice(0, 4)}&month=${Number(period.slice(5))}`)
      .expect(200);
    expect(search.text).toContain('Сформировать акт и лист сопровождения');
    expect(search.text).toContain('ТЕСТОВ');

    const act = await s04
      .get(`/specialist/acts/orders/${uip}/act.pdf?period=${period}`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(act.headers['content-type']).toContain('application/pdf');
    expect(act.headers['content-disposition']).toMatch(/^attachment;/);
    const text = await pdfText(act.body as Buffer);
    expect(text).toContain('Акт оказанных услуг');
    expect(text).toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
    expect(text).toContain('МУСИН АРМАН ЕРЖАНОВИЧ');
    expect(text).toMatch(/Итого: 4 сағ/);
    for (const letter of ['Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү', 'Һ', 'І']) expect(text).toContain(letter);
    expect(text).toContain('ҚОҢЫР КӨЛ');
    expect(text).toContain('(қолы / подпись)');

    const sheet = await s04
      .get(`/specialist/acts/orders/${uip}/sheet.pdf?period=${period}`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const sheetText = await pdfText(sheet.body as Buffer);
    expect(sheetText).toContain('Лист сопровождения');
    expect(sheetText).toContain('Акимат, научный центр');
  });

  async function upload(
    agent: Agent,
    orderId: number,
    file: { buffer: Buffer; name: string } | null,
    ends = false,
  ) {
    const page = await agent.get(`/specialist/acts/orders/${orderId}/send?period=${period}`).expect(200);
    let req = agent
      .post(uploadActionFrom(page.text))
      .field('_csrf', csrfFrom(page.text))
      .field('period', period);
    if (ends) req = req.field('endsJointWork', 'yes');
    if (file) req = req.attach('file', file.buffer, { filename: file.name, contentType: 'application/pdf' });
    return req;
  }

  // scans are in the file store (the database)
  async function uploadedFiles(): Promise<string[]> {
    return ctx.db('stored_files').where('name', 'like', 'uploads/acts/%').pluck('name');
  }

  it('refuses an executable renamed to .pdf, an empty file and a file over 10 MB, each with a clear message and nothing stored', async () => {
    const before = (await uploadedFiles()).length;
    const exe = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'),
      Buffer.alloc(4000, 0x41),
    ]);
    const bad = await upload(s04, uip, { buffer: exe, name: 'act.pdf' });
    expect(bad.status).toBe(400);
    expect(decodeEntities(bad.text)).toContain('Файл должен быть в формате PDF, JPEG или PNG');
    const empty = await upload(s04, uip, { buffer: Buffer.alloc(0), name: 'act.pdf' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Выбранный файл пустой');
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10 * 1024 * 1024, 0x20)]);
    const large = await upload(s04, uip, { buffer: big, name: 'act.pdf' });
    expect(large.status).toBe(400);
    expect(large.text).toContain('Файл больше 10 МБ');
    const none = await upload(s04, uip, null);
    expect(none.status).toBe(400);
    expect(none.text).toContain('Выберите файл акта');
    expect(await ctx.db('service_acts')).toHaveLength(0);
    expect((await uploadedFiles()).length).toBe(before);
  });

  it('sends a scanned act after confirmation: Е-Собес gets it, the month is locked with the exact message, the document downloads as an attachment', async () => {
    const scan = (
      await s04
        .get(`/specialist/acts/orders/${uip}/act.pdf?period=${period}`)
        .buffer(true)
        .parse(binaryParser)
    ).body as Buffer;
    const res = await upload(s04, uip, { buffer: scan, name: 'акт-скан.pdf' });
    expect(res.status).toBe(303);
    const confirm = await s04.get(res.headers.location as string).expect(200);
    // the month in words («декабрь 2026»), not as '2026-12'
    expect(confirm.text).toContain(
      `Акт за ${formatPeriod(period, 'ru')} успешно сформирован и готов к отправке в Е-Собес`,
    );
    expect(formatPeriod(period, 'ru')).toMatch(/^[а-я]+ \d{4}$/);
    expect(confirm.text).toContain(crypto.createHash('sha256').update(scan).digest('hex'));
    const sent = await submitSigned(ctx, s04, confirm.text, 's04');
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/specialist/documents');

    const msg = (await ctx.db('outbox').where({ system: 'esobes', topic: 'service-act' }).first()) as {
      payload: Record<string, unknown>;
    };
    expect(msg.payload).toMatchObject({ period, hours: 4, method: 'scan', endsJointWork: false });

    // the month is locked: the exact message of the specialist's manual, on the page and from the service
    const form = await s04.get(`/specialist/journal/new?order=${uip}`).expect(200);
    expect(decodeEntities(form.text)).toContain(MONTH_LOCK);
    // no form to fill in: the order was confirmed this month, so no day is open any more
    expect(form.text).not.toContain('action="/specialist/journal/new"');
    expect(form.text).not.toContain('name="hours"');
    const journal = await s04.get(`/specialist/journal?order=${uip}`).expect(200);
    expect(decodeEntities(journal.text)).toContain(MONTH_LOCK);
    expect(journal.text).not.toContain(`/specialist/journal/new?order=${uip}`);
    const refused = await postForm(s04, form.text, '/specialist/journal/new', {
      order: String(uip),
      day: today,
      hours: '1',
      objectsKk: 'Әкімдік',
      objectsRu: 'Акимат',
    });
    expect(refused.status).toBe(400);
    expect(decodeEntities(refused.text)).toContain(MONTH_LOCK);
    expect(tFor('ru')('services:errors.monthLocked')).toBe(MONTH_LOCK);

    const docs = await s04.get('/specialist/documents').expect(200);
    expect(docs.text).toContain('Отправленная документация');
    const actRow = (await ctx.db('service_acts').where({ order_id: uip, status: 'sent' }).first()) as {
      id: number;
      file_path: string;
    };
    expect(docs.text).toContain(`/specialist/documents/${actRow.id}/file`);
    const file = await s04
      .get(`/specialist/documents/${actRow.id}/file`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.compare(file.body as Buffer, scan)).toBe(0);
    expect(actRow.file_path.startsWith('uploads/acts/')).toBe(true);
    // another specialist cannot download it
    const s01 = await loginAs(ctx, 's01');
    await s01.get(`/specialist/documents/${actRow.id}/file`).expect(404);
  });

  it('signs the act electronically: the specialist, then the recipient in the cabinet; the month locks and Е-Собес gets it', async () => {
    await addEntry(ctx, 's01', uzhya, { day: today, hours: 3, format: 'remote' });
    const s01 = await loginAs(ctx, 's01');
    const page = await s01.get(`/specialist/acts/orders/${uzhya}?period=${period}`).expect(200);
    const sign = await postForm(s01, page.text, `/specialist/acts/orders/${uzhya}/electronic`, { period });
    expect(sign.status).toBe(200);
    expect((await submitSigned(ctx, s01, sign.text, 's01')).status).toBe(303);
    const pending = (await ctx.db('service_acts').where({ order_id: uzhya }).first()) as {
      id: number;
      status: string;
    };
    expect(pending.status).toBe('awaiting_recipient');
    // awaiting the recipient, the month already takes no entries
    const err = await ctx.services.specialistServices.journal
      .requestCode(await actorOf(ctx, 's01', ['specialist']), {
        order: uzhya,
        day: today,
        hours: 1,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e);
    expect((err as { fields: Record<string, string> }).fields.day).toBe('services:errors.monthLocked');

    const r02 = await loginAs(ctx, 'r02');
    const card = await r02.get(`/services/orders/${uzhya}`).expect(200);
    expect(card.text).toContain('Акты, ожидающие вашей подписи');
    const actPage = await r02.get(`/services/orders/${uzhya}/acts/${pending.id}`).expect(200);
    expect(actPage.text).toContain('Подписать акт');
    expect((await submitSigned(ctx, r02, actPage.text, 'r02')).status).toBe(303);
    const done = (await ctx.db('service_acts').where({ id: pending.id }).first()) as {
      status: string;
      specialist_signed_document_id: number;
      recipient_signed_document_id: number;
    };
    expect(done.status).toBe('sent');
    expect(done.specialist_signed_document_id).toBeTruthy();
    expect(done.recipient_signed_document_id).toBeTruthy();
    const msgs = await ctx.db('outbox').where({ system: 'esobes', topic: 'service-act' });
    expect(msgs.map((m: { payload: { method: string } }) => m.payload.method).sort()).toEqual([
      'electronic',
      'scan',
    ]);
  });

  it('after an act with the end flag the specialist cancels the order (signed) and the recipient may order another specialist', async () => {
    const r04Order = await orderInProgress(ctx, 'r04', 's04', 'UIP');
    await addEntry(ctx, 's04', r04Order, {
      day: today,
      hours: 2,
      objectsKk: 'Дәріхана',
      objectsRu: 'Аптека',
    });
    // «Отмена заказа» is not possible before such an act
    await s04.get(`/specialist/orders/${r04Order}/cancel`).expect(409);
    const scan = (
      await s04
        .get(`/specialist/acts/orders/${r04Order}/act.pdf?period=${period}`)
        .buffer(true)
        .parse(binaryParser)
    ).body as Buffer;
    const res = await upload(s04, r04Order, { buffer: scan, name: 'act.pdf' }, true);
    expect(res.status).toBe(303);
    const confirm = await s04.get(res.headers.location as string).expect(200);
    expect((await submitSigned(ctx, s04, confirm.text, 's04')).status).toBe(303);

    const journal = await s04.get(`/specialist/journal?order=${r04Order}`).expect(200);
    expect(journal.text).toContain('Отмена заказа');
    const form = await s04.get(`/specialist/orders/${r04Order}/cancel`).expect(200);
    const sign = await postForm(s04, form.text, `/specialist/orders/${r04Order}/cancel`, {
      reason: 'jointWorkEnded',
      comment: '',
    });
    expect(sign.status).toBe(200);
    expect((await submitSigned(ctx, s04, sign.text, 's04')).status).toBe(303);
    const row = (await ctx.db('orders').where({ id: r04Order }).first()) as {
      status: string;
      is_open: boolean;
    };
    expect(row).toMatchObject({ status: 'cancelled_by_specialist', is_open: false });

    const r04 = await loginAs(ctx, 'r04');
    const card = await r04.get(`/services/orders/${r04Order}`).expect(200);
    expect(card.text).toContain('Отменен по инициативе специалиста');
    expect(card.text).toContain('Совместная работа окончена');
    const list = await r04.get('/services/uip/specialists').expect(200);
    expect(list.text).toContain('Заказать');
  });

  it('drops a scan left unconfirmed for a day, with its file', async () => {
    const scan = (
      await s04
        .get(`/specialist/acts/orders/${uip}/act.pdf?period=${period}`)
        .buffer(true)
        .parse(binaryParser)
    ).body as Buffer;
    // the month of `uip` is already sent: a draft for it is refused, so use a fresh order
    const order = await orderInProgress(ctx, 'r11', 's05', 'UIP');
    await addEntry(ctx, 's05', order, {
      day: astanaDate(ctx.clock.now()),
      hours: 1,
      objectsKk: 'Емхана',
      objectsRu: 'Поликлиника',
    });
    const s05 = await loginAs(ctx, 's05');
    const res = await upload(s05, order, { buffer: scan, name: 'act.pdf' });
    expect(res.status).toBe(303);
    const draft = (await ctx.db('service_acts').where({ order_id: order, status: 'draft' }).first()) as {
      id: number;
      file_path: string;
    };
    expect(await uploadedFiles()).toContain(draft.file_path);
    expect(await ctx.services.specialistServices.acts.scanned.cleanupDrafts()).toBe(0);
    ctx.clock.advance(25 * 3600_000);
    expect(await ctx.services.specialistServices.acts.scanned.cleanupDrafts()).toBe(1);
    expect(
      ((await ctx.db('service_acts').where({ id: draft.id }).first()) as { status: string }).status,
    ).toBe('cancelled');
    expect(await uploadedFiles()).not.toContain(draft.file_path);
  });
});
