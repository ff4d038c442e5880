import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, signAs, submitSigned, type Agent } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { toLocalInput } from '../../../src/modules/goods/rules.js';
import { VERIFY_LIMIT } from '../../../src/routes/verification/index.js';
import { ASTANA_GENERAL, deptId } from '../msu/helpers.js';
import { createOrder, goodsIdByName, locationIdByName, stepOk } from '../goods/helpers.js';
import { actorOf, addEntry, orderInProgress } from '../specialist-services/helpers.js';
import { codeOf, pdfTextAt, stepDocument, tamper, textOf } from './helpers.js';

/**
 * Documents anyone can verify: every PDF a person may print carries the code and address of the
 * signed document behind it; the public page shows what was signed, when, by whom (masked) and the
 * signature checked now; a stored document altered afterwards shows as failed.
 */
let ctx: TestContext;
const anonymous = () => request(ctx.app);

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('the МСУ referral («направление») and «Мои Направления»', () => {
  let r01: Agent;
  let orderId: number;
  let referralId: number;
  let code: { code: string; url: string };

  beforeAll(async () => {
    r01 = await loginAs(ctx, 'r01');
    const page = await r01.get(`/msu/departments/${await deptId(ctx, ASTANA_GENERAL)}/enrol`).expect(200);
    const res = await submitSigned(ctx, r01, page.text, 'r01');
    expect(res.status).toBe(303);
    const person = await personIdOf(ctx, 'r01');
    const order = (await ctx.db('orders').where({ recipient_id: person, kind: 'msu' }).first('id')) as {
      id: number;
    };
    orderId = order.id;
    referralId = ((await ctx.db('msu_referrals').where({ order_id: orderId }).first('id')) as { id: number })
      .id;
    code = await codeOf(ctx, await stepDocument(ctx, orderId, 'enrol'));
  });

  it('lists the referral in «Мои Направления» (linked from the menu) with its code and «Скачать PDF»', async () => {
    const page = await r01.get('/cabinet/referrals').expect(200);
    expect(page.text).toContain('href="/cabinet/referrals"');
    const text = textOf(page.text);
    expect(text).toContain('Мои Направления');
    expect(text).toContain('Скачать PDF');
    expect(text).toContain(code.code);
    expect(page.text).toContain(`href="/cabinet/referrals/${referralId}/pdf"`);
    // the order's card leads there
    const card = await r01.get(`/msu/orders/${orderId}`).expect(200);
    expect(textOf(card.text)).toContain(
      'Направление для печати с кодом проверки — в разделе «Мои Направления»',
    );
  });

  it('prints the referral: institution, department, person, number, date, and the verification block', async () => {
    const number = ((await ctx.db('orders').where({ id: orderId }).first('number')) as { number: string })
      .number;
    const t = await pdfTextAt(r01, `/cabinet/referrals/${referralId}/pdf`);
    expect(t).toContain('Жолдама');
    expect(t).toContain('Направление');
    expect(t).toContain(number);
    expect(t).toContain('Центр оказания специальных социальных услуг № 1');
    expect(t).toContain(ASTANA_GENERAL);
    expect(t).toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
    expect(t).toContain(`Код проверки: ${code.code}`);
    expect(t).toContain(code.url);
  });

  it('the printed code opens the public page: what, when, by whom (masked), valid now; case does not matter', async () => {
    const res = await anonymous().get(`/verify/${code.code.toLowerCase()}`).expect(200);
    const text = textOf(res.text);
    expect(text).toContain('Подпись действительна');
    expect(text).toContain('Запись в МСУ');
    expect(text).toContain(`${ASTANA_GENERAL}, КГУ «Центр оказания специальных социальных услуг № 1»`);
    expect(text).toContain('Тестов Т. Т.');
    const iin = (
      (await ctx
        .db('persons')
        .where({ id: await personIdOf(ctx, 'r01') })
        .first('iin')) as {
        iin: string;
      }
    ).iin;
    expect(text).toContain(`${iin.slice(0, 4)}******${iin.slice(10)}`);
    // nothing of the person beyond that
    expect(text).not.toContain(iin);
    expect(text).not.toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
  });

  it('a document about a person («Проверка ЭЦП») names that person masked too', async () => {
    const person = await personIdOf(ctx, 'r01');
    const auth = {
      personId: person,
      principalId: person,
      name: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
      principalName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
      roles: ['recipient' as const],
      loginAt: new Date().toISOString(),
    };
    const issued = await ctx.services.signatureCheck.issue(auth, 'Проверка ключа');
    const docId = await ctx.services.signatureCheck.complete(
      auth,
      issued.id,
      signAs(ctx, 'r01', 'SIGN', issued.xml),
    );
    const { code: checkCode } = await codeOf(ctx, docId);
    const text = textOf((await anonymous().get(`/verify/${checkCode}`).expect(200)).text);
    expect(text).toContain('Проверка ЭЦП');
    expect(text).toContain('Вход на портал: Тестов Т. Т.');
    expect(text).not.toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
  });

  it('the typed code leads to its page; bad and unknown codes say so in the reader’s language', async () => {
    const typed = await anonymous().get(`/verify?code=${code.code.slice(0, 4)}-${code.code.slice(4)}`);
    expect(typed.status).toBe(303);
    expect(typed.headers.location).toBe(`/verify/${code.code}`);

    const bad = await anonymous().get('/verify?code=12345');
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Код проверки — 12 знаков');

    const unknown = await anonymous().get('/verify/000000000000');
    expect(unknown.status).toBe(404);
    expect(textOf(unknown.text)).toContain('Документ с таким кодом не найден');

    const kk = await anonymous().get('/verify/ZZZ?lang=kk');
    expect(kk.status).toBe(400);
    expect(textOf(kk.text)).toContain('Тексеру коды — 12 таңба');
    const en = await anonymous().get(`/verify/${code.code}?lang=en`).expect(200);
    expect(textOf(en.text)).toContain('Signature valid');
  });

  it('another person’s referral PDF is not there (404)', async () => {
    const r02 = await loginAs(ctx, 'r02');
    await r02.get(`/cabinet/referrals/${referralId}/pdf`).expect(404);
    expect(textOf((await r02.get('/cabinet/referrals').expect(200)).text)).not.toContain(code.code);
  });

  it('a guardian sees the ward’s referrals; one issued without a signature prints without a code', async () => {
    const g04 = await loginAs(ctx, 'g04', { actFor: 'r16' });
    const r16 = await personIdOf(ctx, 'r16');
    const seeded = (await ctx
      .db('msu_referrals as r')
      .join('orders as o', 'o.id', 'r.order_id')
      .where('o.recipient_id', r16)
      .first('r.id')) as { id: number };
    const list = await g04.get('/cabinet/referrals').expect(200);
    expect(list.text).toContain(`href="/cabinet/referrals/${seeded.id}/pdf"`);
    expect(textOf(list.text)).toContain('нет (выдано без ЭЦП)');
    const t = await pdfTextAt(g04, `/cabinet/referrals/${seeded.id}/pdf`);
    expect(t).toContain('Выдано без электронной подписи');
    expect(t).not.toContain('Код проверки');
    await g04.get(`/cabinet/referrals/${referralId}/pdf`).expect(404);
  });

  it('a stored document altered afterwards shows as failed, and the page says why', async () => {
    const docId = await stepDocument(ctx, orderId, 'enrol');
    await tamper(ctx, docId, (xml) => xml.replace(ASTANA_GENERAL, 'Отделение милосердия'));
    const res = await anonymous().get(`/verify/${code.code}`).expect(200);
    const text = textOf(res.text);
    expect(text).toContain('Подпись не прошла проверку');
    expect(text).toContain('Подписанный документ был изменён после подписания.');
    expect(text).not.toContain('Подпись действительна');
    // the public check records nothing
    expect(
      await ctx.db('reverifications').where({ signed_document_id: docId }).count('* as n').first(),
    ).toEqual({
      n: 0,
    });
  });
});

describe('the goods hand-over document', () => {
  it('is printed for the recipient and the supplier from the signed hand-over, with its code that verifies', async () => {
    const recipient = await loginAs(ctx, 'r15');
    const supplier = await loginAs(ctx, 'e07');
    const armed = await goodsIdByName(ctx, 'Кресло-коляска комнатная «Армед H 035»');
    const warehouse = await locationIdByName(ctx, 'Склад медтехники в Караганде');
    const orderId = await createOrder(ctx, recipient, 'r15', 'TSR_WHEELCHAIR', armed, {
      fulfilment: 'courier',
      region: 'Карагандинская область',
      locality: 'г. Караганда',
      street: 'ул. Ермекова',
      house: '30',
      flat: '9',
      phone: '+7 701 555 1665',
    });
    // no hand-over yet: no document
    await recipient.get(`/goods/orders/${orderId}/handover.pdf`).expect(404);
    expect((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text).not.toContain('handover.pdf');

    await stepOk(ctx, recipient, 'r15', 'goods', orderId, 'confirm');
    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'reserve', { locationId: String(warehouse) });
    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'hand_to_courier', {
      trackNumber: 'rr 123456785 kz',
    });
    await stepOk(ctx, supplier, 'e07', 'supplier', orderId, 'deliver', {
      handedOverAt: toLocalInput(ctx.clock.now()),
    });
    const code = await codeOf(ctx, await stepDocument(ctx, orderId, 'deliver'));
    const number = ((await ctx.db('orders').where({ id: orderId }).first('number')) as { number: string })
      .number;

    // linked from both cards
    expect((await recipient.get(`/goods/orders/${orderId}`).expect(200)).text).toContain(
      `href="/goods/orders/${orderId}/handover.pdf"`,
    );
    expect((await supplier.get(`/supplier/orders/${orderId}`).expect(200)).text).toContain(
      `href="/supplier/orders/${orderId}/handover.pdf"`,
    );
    for (const [agent, url] of [
      [recipient, `/goods/orders/${orderId}/handover.pdf`],
      [supplier, `/supplier/orders/${orderId}/handover.pdf`],
    ] as const) {
      const t = await pdfTextAt(agent, url);
      expect(t).toContain('Документ о передаче товара');
      expect(t).toContain(number);
      expect(t).toContain('Армед H 035');
      expect(t).toContain('доставка курьером');
      expect(t).toContain(`Код проверки: ${code.code}`);
      expect(t).toContain(code.url);
    }
    // in «Мои Направления» too
    expect(textOf((await recipient.get('/cabinet/referrals').expect(200)).text)).toContain(
      `Передача товара по заказу № ${number}`,
    );

    // the code verifies: the supplier's employee signed for the organisation (name and BIN shown)
    const page = textOf((await anonymous().get(`/verify/${code.code}`).expect(200)).text);
    expect(page).toContain('Подпись действительна');
    expect(page).toContain('Доставка курьером');
    expect(page).toContain('БИН');

    // another recipient and another supplier do not get it
    await (await loginAs(ctx, 'r02')).get(`/goods/orders/${orderId}/handover.pdf`).expect(404);
    await (await loginAs(ctx, 'e05')).get(`/supplier/orders/${orderId}/handover.pdf`).expect(404);

    // altered in storage: failed
    await tamper(ctx, await stepDocument(ctx, orderId, 'deliver'), (xml) =>
      xml.replace(number, `${number}1`),
    );
    const failed = textOf((await anonymous().get(`/verify/${code.code}`).expect(200)).text);
    expect(failed).toContain('Подпись не прошла проверку');
  });
});

describe('the act of rendered services and the accompaniment sheet', () => {
  it('print the code of the act’s signature, which verifies; a tampered act shows as failed', async () => {
    const orderId = await orderInProgress(ctx, 'r03', 's01', 'UZHYA');
    const today = astanaDate(ctx.clock.now());
    await addEntry(ctx, 's01', orderId, { day: today, hours: 2, format: 'in_person' });
    const acts = ctx.services.specialistServices.acts.electronic;
    const specialist = await actorOf(ctx, 's01', ['specialist']);
    const issued = await acts.issue(specialist, orderId, { period: today.slice(0, 7) });
    const act = await acts.create(specialist, orderId, {
      signRequestId: issued.signRequest.id,
      signedXml: signAs(ctx, 's01', 'SIGN', issued.signRequest.xml),
    });
    const row = (await ctx.db('service_acts').where({ id: act.id }).first()) as {
      specialist_signed_document_id: number;
    };
    const code = await codeOf(ctx, row.specialist_signed_document_id);

    const s01 = await loginAs(ctx, 's01');
    for (const which of ['act', 'sheet']) {
      const t = await pdfTextAt(
        s01,
        `/specialist/acts/orders/${orderId}/${which}.pdf?period=${today.slice(0, 7)}`,
      );
      expect(t).toContain(`Код проверки: ${code.code}`);
      expect(t).toContain(code.url);
    }
    const r03 = await loginAs(ctx, 'r03');
    const recipientCopy = await pdfTextAt(r03, `/services/orders/${orderId}/acts/${act.id}/pdf`);
    expect(recipientCopy).toContain(`Код проверки: ${code.code}`);
    expect(textOf((await r03.get('/cabinet/referrals').expect(200)).text)).toContain(code.code);

    const page = textOf((await anonymous().get(`/verify/${code.code}`).expect(200)).text);
    expect(page).toContain('Подпись действительна');
    expect(page).toContain('Электронный акт оказанных услуг (специалист)');

    await tamper(ctx, row.specialist_signed_document_id, (xml) => xml.replace(today.slice(0, 7), '1999-01'));
    const failed = textOf((await anonymous().get(`/verify/${code.code}`).expect(200)).text);
    expect(failed).toContain('Подпись не прошла проверку');
  });
});

describe('the public page is limited per address', () => {
  it(`answers ${VERIFY_LIMIT} lookups in the window, then 429 with a message`, async () => {
    const agent = request.agent(ctx.app);
    const used = Number(
      (
        (await ctx.db('rate_limits').where('key', 'like', 'verify:%').sum('hits as n').first()) as {
          n: string | null;
        }
      ).n ?? 0,
    );
    for (let i = used; i < VERIFY_LIMIT; i++)
      expect((await agent.get('/verify/000000000000')).status).toBe(404);
    const blocked = await agent.get('/verify/000000000000');
    expect(blocked.status).toBe(429);
    expect(textOf(blocked.text)).toContain('Слишком много проверок с этого адреса');
    // the form itself stays open
    await agent.get('/verify').expect(200);
  });
});
