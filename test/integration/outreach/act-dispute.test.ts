import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { decodeEntities, loginAs, postForm, submitSigned, type Agent } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { personByKey } from '../../../src/devstand/people.js';
import { addEntry, orderInProgress } from '../specialist-services/helpers.js';

let ctx: TestContext;
let today: string;
let period: string;
let order: number;
let s01: Agent;
let r02: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date());
  today = astanaDate(ctx.clock.now());
  period = today.slice(0, 7);
  order = await orderInProgress(ctx, 'r02', 's01', 'UZHYA');
  await addEntry(ctx, 's01', order, { day: today, hours: 3, format: 'remote' });
  s01 = await loginAs(ctx, 's01');
  r02 = await loginAs(ctx, 'r02');
});
afterAll(async () => ctx?.close());

/** The specialist signs the month's act electronically (the page's form, then the signature). */
async function specialistSigns(): Promise<{ id: number; hours: number; status: string }> {
  const page = await s01.get(`/specialist/acts/orders/${order}?period=${period}`).expect(200);
  const sign = await postForm(s01, page.text, `/specialist/acts/orders/${order}/electronic`, { period });
  expect(sign.status).toBe(200);
  expect((await submitSigned(ctx, s01, sign.text, 's01')).status).toBe(303);
  return (await ctx.db('service_acts').where({ order_id: order, status: 'awaiting_recipient' }).first()) as {
    id: number;
    hours: number;
    status: string;
  };
}

const actRow = async (id: number) =>
  (await ctx.db('service_acts').where({ id }).first()) as {
    status: string;
    hours: number;
    dispute_reason: string | null;
    disputed_at: Date | null;
    recipient_dispute_document_id: number | null;
  };

describe('the recipient refuses to sign a specialist’s act (issue 19 item 7)', () => {
  let first: { id: number; hours: number };

  it('offers «Отказаться подписать» on the act awaiting the signature; a refusal needs a reason', async () => {
    first = await specialistSigns();
    expect(first.hours).toBe(3);
    const page = decodeEntities(
      (await r02.get(`/services/orders/${order}/acts/${first.id}`).expect(200)).text,
    );
    expect(page).toContain(`href="/services/orders/${order}/acts/${first.id}/dispute"`);
    const form = await r02.get(`/services/orders/${order}/acts/${first.id}/dispute`).expect(200);
    expect(decodeEntities(form.text)).toContain('Причина отказа');
    const empty = await postForm(r02, form.text, `/services/orders/${order}/acts/${first.id}/dispute`, {
      reason: '  ',
    });
    expect(empty.status).toBe(400);
    expect(decodeEntities(empty.text)).toContain('Укажите причину отказа');
    expect((await actRow(first.id)).status).toBe('awaiting_recipient');
  });

  it('another person’s act answers 404', async () => {
    const r03 = await loginAs(ctx, 'r03');
    await r03.get(`/services/orders/${order}/acts/${first.id}/dispute`).expect(404);
  });

  it('the signed refusal returns the act to the specialist with the reason, who is told', async () => {
    const form = await r02.get(`/services/orders/${order}/acts/${first.id}/dispute`).expect(200);
    const sign = await postForm(r02, form.text, `/services/orders/${order}/acts/${first.id}/dispute`, {
      reason: 'Занятие было 2 часа, а не 3',
    });
    expect(sign.status).toBe(200);
    expect(decodeEntities(sign.text)).toContain('Занятие было 2 часа, а не 3');
    const done = await submitSigned(ctx, r02, sign.text, 'r02');
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/services/orders/${order}`);

    const act = await actRow(first.id);
    expect(act.status).toBe('disputed');
    expect(act.dispute_reason).toBe('Занятие было 2 часа, а не 3');
    expect(act.disputed_at).not.toBeNull();
    // the refusal is the recipient's signed document, stored verbatim
    const doc = (await ctx
      .db('signed_documents')
      .where({ id: act.recipient_dispute_document_id })
      .first()) as {
      purpose?: string;
      signed_xml?: string;
    };
    expect(doc).toBeTruthy();
    expect(JSON.stringify(doc)).toContain('Занятие было 2 часа, а не 3');
    // history: the audit names the step and its signed document
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'service-act.disputed', object_id: String(first.id) });
    expect(audit).toHaveLength(1);
    // the specialist is told by SMS
    const sms = (await ctx
      .db('outbox')
      .where({ idempotency_key: `sms:service-act:${first.id}:disputed` })
      .first()) as {
      payload: { phone: string; text: string };
    };
    expect(sms.payload.phone).toBe(personByKey('s01').phone);
    expect(sms.payload.text).toContain('отказался подписать акт');

    // the recipient's card keeps the returned act with the reason
    const card = decodeEntities((await r02.get(`/services/orders/${order}`).expect(200)).text);
    expect(card).toContain('Акты, возвращенные специалисту');
    expect(card).toContain('«Занятие было 2 часа, а не 3»');

    // a second refusal of the same act is refused (it no longer awaits the signature)
    await r02.get(`/services/orders/${order}/acts/${first.id}/dispute`).expect(409);
  });

  it('the specialist sees the reason, corrects the journal and signs anew; the recipient signs: the act is sent', async () => {
    const page = decodeEntities(
      (await s01.get(`/specialist/acts/orders/${order}?period=${period}`).expect(200)).text,
    );
    expect(page).toContain('Получатель отказался подписать акт');
    expect(page).toContain('«Занятие было 2 часа, а не 3»');
    const month = decodeEntities(
      (
        await s01
          .get(`/specialist/acts?year=${period.slice(0, 4)}&month=${Number(period.slice(5))}`)
          .expect(200)
      ).text,
    );
    expect(month).toContain('Возвращен специалисту');

    // the month is open again: the correction goes into the journal
    await addEntry(ctx, 's01', order, { day: today, hours: 1, format: 'in_person' });
    const second = await specialistSigns();
    expect(second.id).not.toBe(first.id);
    expect(second.hours).toBe(4);

    const card = decodeEntities((await r02.get(`/services/orders/${order}`).expect(200)).text);
    expect(card).toContain(`/services/orders/${order}/acts/${second.id}`);
    const actPage = await r02.get(`/services/orders/${order}/acts/${second.id}`).expect(200);
    expect((await submitSigned(ctx, r02, actPage.text, 'r02')).status).toBe(303);
    expect((await actRow(second.id)).status).toBe('sent');
    expect((await actRow(first.id)).status).toBe('disputed');
    const esobes = await ctx.db('outbox').where({ system: 'esobes', topic: 'service-act' });
    expect(esobes.map((m: { payload: { actId: number; hours: number } }) => m.payload)).toEqual([
      expect.objectContaining({ actId: second.id, hours: 4 }),
    ]);
    // the refused act is still on record with its reason, on the specialist's page of the month
    const after = decodeEntities(
      (await s01.get(`/specialist/acts/orders/${order}?period=${period}`).expect(200)).text,
    );
    expect(after).toContain('«Занятие было 2 часа, а не 3»');
    expect(after).toContain('Отправлен в Е-Собес');
  });
});
