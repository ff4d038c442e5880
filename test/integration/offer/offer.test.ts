import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import {
  csrfFrom,
  loginAs,
  personIdOf,
  postForm,
  submitSigned,
  uploadActionFrom,
  type Agent,
} from '../../support/http.js';
import { PNG } from '../admin/fixtures.js';
import { addEntry } from '../specialist-services/helpers.js';
import { astanaDate } from '../../../src/lib/clock.js';

/** A small real PDF (the content, not the name, makes it one). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** Awaits a request and checks its status (showing the page when it differs). */
async function expectStatus<T extends { status: number; text: string }>(
  p: Promise<T>,
  status: number,
): Promise<T> {
  const res = await p;
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  return res;
}

/** Visible text of a page: tags dropped, entities decoded, spaces folded. */
function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&laquo;/g, '«')
    .replace(/&raquo;/g, '»')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

async function orgIdOf(ctx: TestContext, name: string): Promise<number> {
  return ((await ctx.db('organisations').where({ name }).first('id')) as { id: number }).id;
}

describe('the organisation runs its own offer', () => {
  let ctx: TestContext;
  let surdo: Agent; // e06, ТОО «Сурдотехника KZ» (ТСР, sign language)
  let care: Agent; // e08, ТОО «Забота и помощь»
  let surdoId: number;
  // documents are in the file store (the database)
  const files = async (): Promise<string[]> =>
    ctx.db('stored_files').where('name', '~', '^[0-9a-f-]{36}\\.(pdf|jpg|png)$').pluck('name');

  beforeAll(async () => {
    ctx = await createTestContext();
    surdo = await loginAs(ctx, 'e06');
    care = await loginAs(ctx, 'e08');
    surdoId = await orgIdOf(ctx, 'ТОО «Сурдотехника KZ»');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const upload = (
    agent: Agent,
    html: string,
    fields: Record<string, string>,
    file: Buffer,
    name: string,
    type: string,
  ) => {
    let req = agent.post(uploadActionFrom(html)).field('_csrf', csrfFrom(html));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', file, { filename: name, contentType: type });
  };
  const licence = {
    docType: 'licence',
    title: 'Лицензия на оказание услуг сурдоперевода',
    number: 'KZ-77-0042',
    issuedBy: 'Управление координации занятости и социальных программ г. Алматы',
    validFrom: '2025-01-10',
    validUntil: '2030-01-09',
  };

  it('uploads a licence typed by its content, lists it, shows it to recipients and audits it', async () => {
    const page = await surdo.get('/supplier/documents').expect(200);
    const res = await upload(surdo, page.text, licence, PDF, 'licence.pdf', 'application/pdf').expect(303);
    expect(res.headers.location).toBe('/supplier/documents');
    const row = (await ctx.db('organisation_documents').where({ organisation_id: surdoId }).first()) as {
      id: number;
      content_type: string;
      stored_name: string;
    };
    expect(row.content_type).toBe('application/pdf');
    expect(await files()).toContain(row.stored_name);

    const list = textOf((await surdo.get('/supplier/documents').expect(200)).text);
    expect(list).toContain('Лицензия KZ-77-0042');
    expect(list).toContain('с 10.01.2025 по 09.01.2030');

    // the recipient sees it on the organisation card, in the sign-language choice and can download it
    const recipient = await loginAs(ctx, 'r12');
    const card = textOf((await recipient.get(`/organisations/${surdoId}`).expect(200)).text);
    expect(card).toContain('Лицензия на оказание услуг сурдоперевода');
    expect(card).toContain('КАЛИЕВА ДИНАРА АСЕТОВНА'); // its specialist
    expect(card).toContain('АЛИЕВА КАМИЛА РУСЛАНОВНА'); // its employee
    const choice = textOf((await recipient.get('/services/uzhya/specialists').expect(200)).text);
    expect(choice).toContain('ТОО «Сурдотехника KZ»');
    expect(choice).toContain('Лицензия № KZ-77-0042');
    const file = await recipient.get(`/organisations/${surdoId}/documents/${row.id}`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    expect(
      Buffer.from(file.body as Buffer)
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    // the pair must match: another organisation's id answers 404
    const careId = await orgIdOf(ctx, 'ТОО «Забота и помощь»');
    await recipient.get(`/organisations/${careId}/documents/${row.id}`).expect(404);

    const audit = await ctx
      .db('audit_log')
      .where({ action: 'offer.document_added', object_id: String(row.id) })
      .first('organisation_id');
    expect(audit).toMatchObject({ organisation_id: surdoId });
  });

  it('refuses a file that is not a PDF or an image although it is named .pdf, and keeps nothing', async () => {
    const before = (await files()).length;
    const count = async () =>
      Number(((await ctx.db('organisation_documents').count('* as n')) as [{ n: string }])[0].n);
    const rows = await count();
    const page = await surdo.get('/supplier/documents').expect(200);
    const fake = Buffer.from('Это обычный текст, переименованный в licence.pdf\n'.repeat(20), 'utf8');
    const res = await upload(
      surdo,
      page.text,
      { ...licence, number: 'FAKE-1' },
      fake,
      'licence.pdf',
      'application/pdf',
    );
    expect(res.status).toBe(400);
    expect(textOf(res.text)).toContain('Файл должен быть PDF, JPEG или PNG');
    expect((await files()).length).toBe(before);
    expect(await count()).toBe(rows);

    // a bad validity is refused with its own message, also in Kazakh
    const kk = await loginAs(ctx, 'e06', { lang: 'kk' });
    const kkPage = await kk.get('/supplier/documents').expect(200);
    const bad = await upload(
      kk,
      kkPage.text,
      { ...licence, validUntil: '2020-01-01' },
      PNG,
      'scan.png',
      'image/png',
    );
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Қолданылу аяқталатын күн басталған күннен бұрын бола алмайды.');
    expect(await count()).toBe(rows);
  });

  it('removes only its own documents: another organisation gets 404', async () => {
    const doc = (await ctx.db('organisation_documents').where({ organisation_id: surdoId }).first()) as {
      id: number;
      stored_name: string;
    };
    const carePage = await care.get('/supplier/documents').expect(200);
    await expectStatus(postForm(care, carePage.text, `/supplier/documents/${doc.id}/delete`, {}), 404);
    expect(await files()).toContain(doc.stored_name);

    const page = await surdo.get('/supplier/documents').expect(200);
    await expectStatus(postForm(surdo, page.text, `/supplier/documents/${doc.id}/delete`, {}), 303);
    expect(await ctx.db('organisation_documents').where({ id: doc.id }).first()).toBeUndefined();
    expect(await files()).not.toContain(doc.stored_name);
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'offer.document_removed', object_id: String(doc.id) })
        .first('id'),
    ).toBeDefined();
  });
});

describe('an МСУ edits its own card', () => {
  let ctx: TestContext;
  let msu: Agent; // e01, the Astana institution

  beforeAll(async () => {
    ctx = await createTestContext();
    msu = await loginAs(ctx, 'e01');
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const institutionOf = async (orgName: string) =>
    (await ctx
      .db('msu_institutions as i')
      .join('organisations as o', 'o.id', 'i.organisation_id')
      .whereLike('o.name', `%${orgName}%`)
      .first('i.id')) as { id: number };

  it("edits its department and description; another МСУ's department answers 404 and is unchanged", async () => {
    const own = await institutionOf('№ 1» г. Астана');
    const other = await institutionOf('Алматы');
    const dept = (await ctx
      .db('msu_departments')
      .where({ institution_id: own.id })
      .orderBy('id')
      .first()) as {
      id: number;
      beds_total: number;
      profile: string;
    };
    const page = await msu.get(`/institution/card/departments/${dept.id}`).expect(200);
    expect(page.text).not.toContain('name="beds_total" type="text"');
    await expectStatus(
      postForm(msu, page.text, `/institution/card/departments/${dept.id}`, {
        name_ru: 'Отделение общего типа (обновлено)',
        name_kk: 'Жалпы үлгідегі бөлімше',
        name_en: 'General ward',
        profile: dept.profile,
        sex: 'any',
        age_group: 'adults',
        beds_total: String(dept.beds_total + 10),
        reason: '',
        active: 'yes',
      }),
      303,
    );
    const after = (await ctx.db('msu_departments').where({ id: dept.id }).first()) as {
      name: { ru: string };
      beds_total: number;
    };
    expect(after.name.ru).toBe('Отделение общего типа (обновлено)');
    // beds change only on the signed bed-count page
    expect(after.beds_total).toBe(dept.beds_total);

    const card = await msu.get('/institution/card').expect(200);
    expect(card.text).toContain('Отделение общего типа (обновлено)');
    const values = {
      name: 'КГУ «Центр оказания специальных социальных услуг № 1» г. Астана',
      description_ru: 'Круглосуточный уход, реабилитация, досуг.',
      description_kk: 'Тәулік бойы күтім.',
      description_en: 'Round-the-clock care.',
      arrival_ru: '',
      arrival_kk: '',
      arrival_en: '',
      region: 'г. Астана',
      locality: 'г. Астана',
      address: 'г. Астана, ул. Кенесары, 40',
      phone: '+77172500101',
      email: 'msu1@example.kz',
      working_hours: 'круглосуточно',
    };
    await expectStatus(postForm(msu, card.text, '/institution/card', values), 303);
    const inst = (await ctx.db('msu_institutions').where({ id: own.id }).first()) as {
      description: { ru: string };
      email: string;
      active: boolean;
    };
    expect(inst).toMatchObject({
      description: { ru: values.description_ru },
      email: 'msu1@example.kz',
      active: true,
    });

    const foreign = (await ctx.db('msu_departments').where({ institution_id: other.id }).first()) as {
      id: number;
      name: unknown;
    };
    await msu.get(`/institution/card/departments/${foreign.id}`).expect(404);
    await expectStatus(
      postForm(msu, card.text, `/institution/card/departments/${foreign.id}`, {
        name_ru: 'Чужое',
        name_kk: 'Чужое',
        name_en: 'Foreign',
        profile: 'general',
        sex: 'any',
        age_group: 'adults',
        beds_total: '1',
        reason: '',
        active: 'yes',
      }),
      404,
    );
    const still = (await ctx.db('msu_departments').where({ id: foreign.id }).first()) as { name: unknown };
    expect(still.name).toEqual(foreign.name);

    // a supplier that is not an МСУ has no card to edit
    const supplier = await loginAs(ctx, 'e05');
    await supplier.get('/institution/card').expect(403);
  });
});

describe('an order to an organisation: assigned to its specialist, who keeps the journal', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('goes from the recipient to the organisation, is assigned (signed) and served by the specialist', async () => {
    const careId = await orgIdOf(ctx, 'ТОО «Забота и помощь»');
    const recipient = await loginAs(ctx, 'r02'); // УИП, Astana
    const list = textOf((await recipient.get('/services/uip/specialists').expect(200)).text);
    expect(list).toContain('ТОО «Забота и помощь»');
    expect(list).toContain('ЖАКУПОВ МАРАТ БЕРИКОВИЧ');
    // an organisation's specialist is not offered as self-employed, only through the organisation
    const s08Id = (await ctx
      .db('specialists')
      .where({ person_id: await personIdOf(ctx, 's08'), kind: 'UIP' })
      .first('id')) as { id: number };
    const listHtml = (await recipient.get('/services/uip/specialists')).text;
    expect(listHtml).not.toContain(`/services/uip/specialists/${s08Id.id}/order`);
    expect(listHtml).toContain(`/services/uip/organisations/${careId}/order`);

    const form = await recipient.get(`/services/uip/organisations/${careId}/order`).expect(200);
    const sign = await expectStatus(
      postForm(recipient, form.text, `/services/uip/organisations/${careId}/order`, {
        phone: '+77015550101',
        email: '',
        address: 'г. Астана, ул. Сарыарка, 8, кв. 2',
        comment: 'Сопровождение в поликлинику',
      }),
      200,
    );
    expect(textOf(sign.text)).toContain('ТОО «Забота и помощь»');
    const created = await expectStatus(submitSigned(ctx, recipient, sign.text, 'r02'), 303);
    const orderId = Number(/\/services\/orders\/(\d+)/.exec(created.headers.location as string)![1]);
    const detail = (await ctx.db('service_orders').where({ order_id: orderId }).first()) as {
      organisation_id: number;
      specialist_person_id: number | null;
    };
    expect(detail).toMatchObject({ organisation_id: careId, specialist_person_id: null });
    const confirm = await recipient.get(`/services/orders/${orderId}/confirm`).expect(200);
    await expectStatus(submitSigned(ctx, recipient, confirm.text, 'r02'), 303);

    // another organisation and the specialists see nothing of it yet
    const other = await loginAs(ctx, 'e06');
    await other.get(`/supplier/service-orders/${orderId}`).expect(404);
    const s08 = await loginAs(ctx, 's08');
    await s08.get(`/specialist/orders/${orderId}`).expect(404);

    // the organisation's employee accepts and assigns its specialist, signing with the employee's key
    const employee = await loginAs(ctx, 'e08');
    const orders = textOf((await employee.get('/supplier/service-orders').expect(200)).text);
    expect(orders).toContain('Ожидается подтверждение специалиста');
    const card = await employee.get(`/supplier/service-orders/${orderId}`).expect(200);
    expect(textOf(card.text)).toContain('ЛИ ЕЛЕНА ВИКТОРОВНА');
    const s08Entry = (await ctx
      .db('specialists')
      .where({ person_id: await personIdOf(ctx, 's08'), kind: 'UIP' })
      .first('id')) as { id: number };
    const refused = await postForm(employee, card.text, `/supplier/service-orders/${orderId}/assign`, {});
    expect(refused.status).toBe(400);
    expect(textOf(refused.text)).toContain('Выберите специалиста.');
    const s01Entry = (await ctx
      .db('specialists')
      .where({ person_id: await personIdOf(ctx, 's04'), kind: 'UIP' })
      .first('id')) as { id: number };
    // a specialist who does not work for the organisation cannot be assigned
    await expectStatus(
      postForm(employee, card.text, `/supplier/service-orders/${orderId}/assign`, {
        specialist: String(s01Entry.id),
      }),
      400,
    );
    const assignPage = await expectStatus(
      postForm(employee, card.text, `/supplier/service-orders/${orderId}/assign`, {
        specialist: String(s08Entry.id),
      }),
      200,
    );
    expect(textOf(assignPage.text)).toContain('ЖАКУПОВ МАРАТ БЕРИКОВИЧ');
    await expectStatus(submitSigned(ctx, employee, assignPage.text, 'e08'), 303);
    const event = (await ctx
      .db('order_events')
      .where({ order_id: orderId, action: 'assign' })
      .first('to_status', 'signed_document_id')) as { to_status: string; signed_document_id: number };
    expect(event.to_status).toBe('in_progress');
    expect(event.signed_document_id).toBeGreaterThan(0);
    // signed once: the same sign request posted again is refused and changes nothing
    const replay = await submitSigned(ctx, employee, assignPage.text, 'e08');
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect((await ctx.db('order_events').where({ order_id: orderId, action: 'assign' })).length).toBe(1);

    // the recipient sees the organisation and the assigned specialist in the card and the history
    const view = textOf((await recipient.get(`/services/orders/${orderId}`).expect(200)).text);
    expect(view).toContain('ТОО «Забота и помощь»');
    expect(view).toContain('Назначен специалист: ЖАКУПОВ МАРАТ БЕРИКОВИЧ');
    expect(view).toContain('На исполнении');

    // the assigned specialist has it in the cabinet and keeps the journal as for an order of their own
    const mine = await s08.get(`/specialist/orders/${orderId}`).expect(200);
    expect(textOf(mine.text)).toContain('На исполнении');
    const today = astanaDate(ctx.clock.now());
    const entry = await addEntry(ctx, 's08', orderId, {
      day: today,
      hours: 3,
      objectsKk: 'Емхана',
      objectsRu: 'Поликлиника',
    });
    expect(entry).toBeDefined();
    const entries = await ctx.db('service_journal_entries').where({ order_id: orderId });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ specialist_person_id: await personIdOf(ctx, 's08'), hours: 3 });
    // the other specialist of the organisation does not see it
    const s09 = await loginAs(ctx, 's09');
    await s09.get(`/specialist/orders/${orderId}`).expect(404);
    // and the organisation cannot assign twice
    const again = await employee.get(`/supplier/service-orders/${orderId}`);
    expect(again.text).not.toContain(`/supplier/service-orders/${orderId}/assign`);
  });
});
