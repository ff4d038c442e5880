/**
 * Special social services by contract (seed 002): the ИППСУ import, «Заключить договор», the provider
 * edits and signs with the legal-entity key, the person signs with the SIGN key, services are recorded
 * up to the contract's volume (the database refuses the next), the act is disputed and then signed and
 * goes to Е-Собес; a decline with a reason; a legal representative acts for the person; another
 * person's or organisation's contract answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, personIdOf, postForm, submitSigned, type Agent } from '../../support/http.js';
import {
  contractRow,
  day,
  expectStatus,
  organisationId,
  postProgrammes,
  programme,
  textOf,
} from './helpers.js';
import { verificationUrl } from '../../../src/lib/pdf-verification.js';
import { publicBaseUrl } from '../../../src/config.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx?.close();
});

const idFrom = (location: string) => Number(/\/contracts\/(\d+)/.exec(location)![1]);

describe('the ИППСУ import (POST /api/esobes/ippsu)', () => {
  it('needs the token, refuses a bad batch whole, and applies the revision rules', async () => {
    const p = programme(
      'r21',
      'IMP-1',
      ['msu-astana'],
      [{ externalId: 'IMP-1-1', code: 'SSU_HOME', form: 'home', volume: 4 }],
    );
    await expectStatus(postProgrammes(ctx, { programmes: [p] }, 'wrong'), 401);

    // an unknown provider and a period outside the programme: nothing stored
    const bad = await expectStatus(
      postProgrammes(ctx, {
        programmes: [{ ...p, providers: ['000000000000'] }],
      }),
      400,
    );
    expect(Object.keys(bad.body.fields as object)).toContain('programmes.0.providers.0');
    expect(await ctx.db('ssu_programmes').where({ external_id: 'IMP-1' }).first()).toBeUndefined();

    const created = await expectStatus(postProgrammes(ctx, { programmes: [p] }), 200);
    expect(created.body).toMatchObject({ created: 1, revised: 0, unchanged: 0 });
    const same = await expectStatus(postProgrammes(ctx, { programmes: [p] }), 200);
    expect(same.body).toMatchObject({ created: 0, unchanged: 1 });

    const more = programme(
      'r21',
      'IMP-1',
      ['msu-astana'],
      [{ externalId: 'IMP-1-1', code: 'SSU_HOME', form: 'home', volume: 6 }],
    );
    const revised = await expectStatus(postProgrammes(ctx, { programmes: [more] }), 200);
    expect(revised.body).toMatchObject({ revised: 1 });
    const row = (await ctx.db('ssu_programmes').where({ external_id: 'IMP-1' }).first()) as {
      revision: number;
    };
    expect(row.revision).toBe(2);

    // an older revision than the stored one is refused
    const older = await expectStatus(
      postProgrammes(ctx, { programmes: [{ ...more, developedOn: day(-20) }] }),
      400,
    );
    expect(Object.keys(older.body.fields as object)).toContain('programmes.0.developedOn');
    // the same programme may not move to another person
    const other = await expectStatus(
      postProgrammes(ctx, {
        programmes: [
          programme(
            'r22',
            'IMP-1',
            [],
            more.services.map((s) => ({ ...s })),
          ),
        ],
      }),
      400,
    );
    expect(Object.keys(other.body.fields as object)).toContain('programmes.0.iin');
  });
});

describe('a contract from request to the signed act', () => {
  let person: Agent; // r21, elderly, Astana
  let provider: Agent; // e01, КГУ «Центр оказания специальных социальных услуг № 1» г. Астана
  let astana: number;
  let contractId: number;

  beforeAll(async () => {
    await expectStatus(
      postProgrammes(ctx, {
        programmes: [
          programme(
            'r21',
            'FLOW-1',
            ['msu-astana'],
            [
              { externalId: 'FLOW-1-HOME', code: 'SSU_HOME', form: 'home', volume: 3 },
              { externalId: 'FLOW-1-DAY', code: 'SSU_DAY', form: 'semi_stationary', volume: 10 },
            ],
          ),
        ],
      }),
      200,
    );
    person = await loginAs(ctx, 'r21');
    provider = await loginAs(ctx, 'e01');
    astana = await organisationId(ctx, 'msu-astana');
  });

  it('shows the ИППСУ with its services and recommended providers, and finds another by name', async () => {
    const page = textOf((await person.get('/ippsu').expect(200)).text);
    expect(page).toContain('ИППСУ');
    expect(page).toContain('Перечень рекомендуемых социальных услуг');
    expect(page).toContain('Уход на дому');
    expect(page).toContain('Перечень рекомендованных поставщиков социальных услуг');
    expect(page).toContain('КГУ «Центр оказания специальных социальных услуг № 1» г. Астана');
    expect(page).toContain('Заключить договор');
    const found = textOf((await person.get('/ippsu?q=Темиртау').expect(200)).text);
    expect(found).toContain('КГУ «Темиртауский центр социального обслуживания»');
    const none = textOf((await person.get('/ippsu?q=Нет такого').expect(200)).text);
    expect(none).toContain('не найдены');
  });

  it('«Заключить договор» → «Да»: the request is «На заключении» without a number or validity', async () => {
    const confirm = await person.get(`/contracts/new?organisation=${astana}`).expect(200);
    const text = textOf(confirm.text);
    expect(text).toContain(
      'Заключение договора с поставщиком КГУ «Центр оказания специальных социальных услуг № 1» г. Астана',
    );
    expect(text).toContain('Да');
    expect(text).toContain('Отмена');
    const res = await expectStatus(
      postForm(person, confirm.text, '/contracts', { organisation: String(astana) }),
      303,
    );
    contractId = idFrom(res.headers.location as string);
    const card = textOf((await person.get(`/contracts/${contractId}`).expect(200)).text);
    expect(card).toContain('Договор направлен поставщику на подписание.');
    const list = textOf((await person.get('/contracts').expect(200)).text);
    expect(list).toContain('На заключении');
    const row = await contractRow(ctx, contractId);
    expect(row).toMatchObject({ status: 'requested', number: null, valid_from: null, valid_to: null });

    // a second request to the same provider is refused and nothing is added
    const again = await person.get(`/contracts/new?organisation=${astana}`).expect(200);
    const dup = await expectStatus(
      postForm(person, again.text, '/contracts', { organisation: String(astana) }),
      409,
    );
    expect(textOf(dup.text)).toContain('уже есть договор');
    expect(
      await ctx
        .db('ssu_contracts')
        .where({ organisation_id: astana, person_id: await personIdOf(ctx, 'r21') })
        .count('* as n')
        .first(),
    ).toMatchObject({ n: 1 });
  });

  it('another person and another organisation get 404', async () => {
    const stranger = await loginAs(ctx, 'r22', {});
    await stranger.get(`/contracts/${contractId}`).expect(404);
    await stranger.get(`/contracts/${contractId}/sign`).expect(404);
    const otherOrg = await loginAs(ctx, 'e03');
    await otherOrg.get(`/supplier/contracts/${contractId}`).expect(404);
    const card = await otherOrg.get('/supplier/contracts').expect(200);
    await expectStatus(
      postForm(otherOrg, card.text, `/supplier/contracts/${contractId}/decline`, { reason: 'нет' }),
      404,
    );
    expect((await contractRow(ctx, contractId)).status).toBe('requested');
  });

  it('the provider edits the services within the programme and signs with the legal-entity key', async () => {
    const list = textOf((await provider.get('/supplier/contracts').expect(200)).text);
    expect(list).toContain('Заявки на заключение договора');
    const card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    const svc = (await ctx.db('ssu_programme_services').orderBy('id').select('id', 'external_id')) as {
      id: number;
      external_id: string;
    }[];
    const home = svc.find((s) => s.external_id === 'FLOW-1-HOME')!.id;
    const dayCare = svc.find((s) => s.external_id === 'FLOW-1-DAY')!.id;

    // over the programme's volume, and an end after the programme: the card again with messages
    const over = await expectStatus(
      postForm(provider, card.text, `/supplier/contracts/${contractId}/sign`, {
        [`volume_${home}`]: '4',
        [`volume_${dayCare}`]: '',
        validFrom: day(0),
        validTo: day(400),
      }),
      400,
    );
    const overText = textOf(over.text);
    expect(overText).toContain('Объём больше, чем осталось по программе.');
    expect(overText).toContain('Срок договора не может выходить за срок действия ИППСУ.');
    // a service outside the programme is a forged field: refused, nothing changes
    await expectStatus(
      postForm(provider, card.text, `/supplier/contracts/${contractId}/sign`, {
        volume_999999: '1',
        validFrom: day(0),
        validTo: day(30),
      }),
      400,
    );
    expect((await contractRow(ctx, contractId)).status).toBe('requested');

    const sign = await expectStatus(
      postForm(provider, card.text, `/supplier/contracts/${contractId}/sign`, {
        [`volume_${home}`]: '3',
        [`volume_${dayCare}`]: '0',
        validFrom: day(0),
        validTo: day(60),
      }),
      200,
    );
    // the person's key is not the organisation's: refused
    const wrong = await submitSigned(ctx, provider, sign.text, 'r21');
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect((await contractRow(ctx, contractId)).status).toBe('requested');
    await expectStatus(submitSigned(ctx, provider, sign.text, 'e01'), 303);
    const row = await contractRow(ctx, contractId);
    expect(row.status).toBe('provider_signed');
    expect(row.number).toMatch(/^ССУ-\d{4}-\d{6}$/);
    expect(row).toMatchObject({ valid_from: day(0), valid_to: day(60) });
    const services = await ctx.db('ssu_contract_services').where({ contract_id: contractId });
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ programme_service_id: home, volume: 3 });
    const list2 = textOf((await person.get('/contracts').expect(200)).text);
    expect(list2).toContain('На подписании');
    expect(list2).toContain(row.number!);
  });

  it('the person signs: «Подписать договор» → «Подписать договор?» → «Да» → «Действует»', async () => {
    const card = textOf((await person.get(`/contracts/${contractId}`).expect(200)).text);
    expect(card).toContain('Подписать договор');
    expect(card).toContain('Уход на дому');
    const question = await person.get(`/contracts/${contractId}/sign`).expect(200);
    expect(textOf(question.text)).toContain('Подписать договор?');
    const sign = await expectStatus(
      postForm(person, question.text, `/contracts/${contractId}/sign`, {}),
      200,
    );
    const done = await expectStatus(submitSigned(ctx, person, sign.text, 'r21'), 303);
    const after = textOf((await person.get(done.headers.location as string).expect(200)).text);
    expect(after).toContain('Договор успешно подписан.');
    expect(after).toContain('Действует');
    const row = await contractRow(ctx, contractId);
    expect(row.status).toBe('active');
    // the person's document covers the provider's signature
    const doc = (await ctx.db('signed_documents').where({ id: row.recipient_document_id }).first()) as {
      signed_xml: string;
      signer_id: number;
    };
    const providerDoc = (await ctx
      .db('signed_documents')
      .where({ id: row.provider_document_id })
      .first()) as {
      signed_xml_sha256: string;
    };
    expect(doc.signed_xml).toContain(providerDoc.signed_xml_sha256);
    expect(doc.signer_id).toBe(await personIdOf(ctx, 'r21'));
  });

  it('records services up to the volume; the next is refused, by the database too', async () => {
    const serviceId = (
      (await ctx.db('ssu_contract_services').where({ contract_id: contractId }).first('id')) as { id: number }
    ).id;
    let card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    for (const quantity of ['2', '1']) {
      await expectStatus(
        postForm(provider, card.text, `/supplier/contracts/${contractId}/records`, {
          service: String(serviceId),
          date: day(0),
          quantity,
        }),
        303,
      );
      card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    }
    const over = await expectStatus(
      postForm(provider, card.text, `/supplier/contracts/${contractId}/records`, {
        service: String(serviceId),
        date: day(0),
        quantity: '1',
      }),
      400,
    );
    expect(textOf(over.text)).toContain('Объём услуги по договору исчерпан');
    // a date outside the contract is refused too
    await expectStatus(
      postForm(provider, card.text, `/supplier/contracts/${contractId}/records`, {
        service: String(serviceId),
        date: day(-30),
        quantity: '1',
      }),
      400,
    );
    const cs = (await ctx.db('ssu_contract_services').where({ id: serviceId }).first()) as {
      rendered: number;
    };
    expect(cs.rendered).toBe(3);
    await expect(
      ctx.db('ssu_service_records').insert({
        contract_id: contractId,
        contract_service_id: serviceId,
        rendered_on: day(0),
        quantity: 1,
        recorded_by: await personIdOf(ctx, 'e01'),
        recorded_at: new Date(),
      }),
    ).rejects.toThrow(/ssu_contract_services_rendered_within_volume/);
    // the count shows in the ИППСУ (seed 002 item 3.5)
    const ippsu = (await person.get('/ippsu').expect(200)).text;
    const home = (await ctx
      .db('ssu_contract_services')
      .where({ id: serviceId })
      .first('programme_service_id')) as {
      programme_service_id: number;
    };
    expect(ippsu).toContain(`data-rendered="${home.programme_service_id}">3<`);
  });

  it('the act: disputed with a reason goes back to the provider, then signed goes to Е-Собес', async () => {
    let card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    await expectStatus(postForm(provider, card.text, `/supplier/contracts/${contractId}/acts`, {}), 303);
    const act1 = (await ctx.db('ssu_acts').where({ contract_id: contractId }).first()) as { id: number };
    const view = textOf((await person.get(`/contracts/${contractId}`).expect(200)).text);
    expect(view).toContain('Подписать акт');

    const dispute = await person.get(`/contracts/${contractId}/acts/${act1.id}/dispute`).expect(200);
    const empty = await expectStatus(
      postForm(person, dispute.text, `/contracts/${contractId}/acts/${act1.id}/dispute`, { reason: '' }),
      400,
    );
    expect(textOf(empty.text)).toContain('Укажите причину.');
    const sign = await expectStatus(
      postForm(person, dispute.text, `/contracts/${contractId}/acts/${act1.id}/dispute`, {
        reason: 'Одно посещение не состоялось',
      }),
      200,
    );
    await expectStatus(submitSigned(ctx, person, sign.text, 'r21'), 303);
    expect(await ctx.db('ssu_acts').where({ id: act1.id }).first()).toMatchObject({
      status: 'disputed',
      dispute_reason: 'Одно посещение не состоялось',
    });
    const providerView = textOf((await provider.get(`/supplier/contracts/${contractId}`).expect(200)).text);
    expect(providerView).toContain('Оспорен');
    expect(providerView).toContain('Одно посещение не состоялось');

    card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    await expectStatus(postForm(provider, card.text, `/supplier/contracts/${contractId}/acts`, {}), 303);
    const act2 = (await ctx.db('ssu_acts').where({ contract_id: contractId, status: 'formed' }).first()) as {
      id: number;
    };
    const question = await person.get(`/contracts/${contractId}/acts/${act2.id}/sign`).expect(200);
    expect(textOf(question.text)).toContain('Подписать акт оказанных услуг?');
    const actSign = await expectStatus(
      postForm(person, question.text, `/contracts/${contractId}/acts/${act2.id}/sign`, {}),
      200,
    );
    await expectStatus(submitSigned(ctx, person, actSign.text, 'r21'), 303);
    expect(await ctx.db('ssu_acts').where({ id: act2.id }).first()).toMatchObject({ status: 'signed' });
    const msg = (await ctx.db('outbox').where({ system: 'esobes', topic: 'ssu-act' }).first()) as {
      payload: { services: { code: string; quantity: number }[]; contractNumber: string };
    };
    expect(msg.payload.services).toEqual([{ code: 'SSU_HOME', quantity: 3 }]);
    // nothing left to put in an act
    card = await provider.get(`/supplier/contracts/${contractId}`).expect(200);
    await expectStatus(postForm(provider, card.text, `/supplier/contracts/${contractId}/acts`, {}), 409);
  });

  it('the contract downloads as a PDF with the verification block and as each signature’s XML', async () => {
    const row = await contractRow(ctx, contractId);
    const res = await person.get(`/contracts/${contractId}/contract.pdf`).buffer(true).expect(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const parser = new PDFParse({ data: res.body as Buffer });
    const text = (await parser.getText()).text;
    await parser.destroy();
    const doc = (await ctx.db('signed_documents').where({ id: row.recipient_document_id }).first()) as {
      verification_code: string;
      signed_xml: string;
    };
    expect(text).toContain(row.number!);
    expect(text).toContain(doc.verification_code);
    expect(text.replace(/\s+/g, '')).toContain(
      verificationUrl(publicBaseUrl(ctx.config), doc.verification_code).replace(/\s+/g, ''),
    );
    const xml = await person
      .get(`/contracts/${contractId}/signatures/recipient.xml`)
      .buffer(true)
      .expect(200);
    expect(xml.text ?? String(xml.body)).toBe(doc.signed_xml);
    await provider.get(`/supplier/contracts/${contractId}/signatures/provider.xml`).expect(200);
    const stranger = await loginAs(ctx, 'e03');
    await stranger.get(`/supplier/contracts/${contractId}/contract.pdf`).expect(404);
    // each side's signature is checked by its code on the public page, linked from the card
    const providerDoc = (await ctx
      .db('signed_documents')
      .where({ id: row.provider_document_id })
      .first()) as {
      verification_code: string;
    };
    const card = (await person.get(`/contracts/${contractId}`).expect(200)).text;
    for (const code of [providerDoc.verification_code, doc.verification_code]) {
      expect(card).toContain(`href="/verify/${code}"`);
      const check = await request(ctx.app).get(`/verify/${code}`).expect(200);
      expect(check.text).toContain('Подпись действительна');
    }
  });
});

describe('the provider declines a request with a reason', () => {
  it('is signed, closes the request, and the person sees the reason', async () => {
    await expectStatus(
      postProgrammes(ctx, {
        programmes: [
          programme(
            'r21',
            'FLOW-1',
            ['msu-astana'],
            [
              { externalId: 'FLOW-1-HOME', code: 'SSU_HOME', form: 'home', volume: 3 },
              { externalId: 'FLOW-1-DAY', code: 'SSU_DAY', form: 'semi_stationary', volume: 10 },
            ],
          ),
        ],
      }),
      200,
    );
    const person = await loginAs(ctx, 'r21');
    const temirtau = await organisationId(ctx, 'msu-temirtau');
    const confirm = await person.get(`/contracts/new?organisation=${temirtau}`).expect(200);
    const res = await expectStatus(
      postForm(person, confirm.text, '/contracts', { organisation: String(temirtau) }),
      303,
    );
    const id = idFrom(res.headers.location as string);
    const employee = await loginAs(ctx, 'e04');
    const page = await employee.get(`/supplier/contracts/${id}/decline`).expect(200);
    expect(textOf(page.text)).toContain('Отклонение заявки на заключение договора');
    const none = await expectStatus(
      postForm(employee, page.text, `/supplier/contracts/${id}/decline`, {}),
      400,
    );
    expect(textOf(none.text)).toContain('Укажите причину.');
    const sign = await expectStatus(
      postForm(employee, page.text, `/supplier/contracts/${id}/decline`, { reason: 'Нет свободных мест' }),
      200,
    );
    await expectStatus(submitSigned(ctx, employee, sign.text, 'e04'), 303);
    const row = await contractRow(ctx, id);
    expect(row).toMatchObject({ status: 'declined', reason: 'Нет свободных мест' });
    const card = textOf((await person.get(`/contracts/${id}`).expect(200)).text);
    expect(card).toContain('Отклонён поставщиком');
    expect(card).toContain('Нет свободных мест');
    // the declined request does not block a new one with the same provider
    const again = await person.get(`/contracts/new?organisation=${temirtau}`).expect(200);
    await expectStatus(postForm(person, again.text, '/contracts', { organisation: String(temirtau) }), 303);
  });
});

describe('a legal representative acts for the person', () => {
  it('requests and signs for the ward, whose name the pages show', async () => {
    await expectStatus(
      postProgrammes(ctx, {
        programmes: [
          programme(
            'r22',
            'REP-1',
            ['msu-karaganda'],
            [{ externalId: 'REP-1-DAY', code: 'SSU_DAY', form: 'semi_stationary', volume: 20 }],
          ),
        ],
      }),
      200,
    );
    const guardian = await loginAs(ctx, 'g05', { actFor: 'r22' });
    const ippsu = textOf((await guardian.get('/ippsu').expect(200)).text);
    expect(ippsu).toContain('Личный кабинет: ГРОМОВ ВИКТОР ПАВЛОВИЧ');
    const karaganda = await organisationId(ctx, 'msu-karaganda');
    const confirm = await guardian.get(`/contracts/new?organisation=${karaganda}`).expect(200);
    const res = await expectStatus(
      postForm(guardian, confirm.text, '/contracts', { organisation: String(karaganda) }),
      303,
    );
    const id = idFrom(res.headers.location as string);
    const row = await contractRow(ctx, id);
    expect(row.person_id).toBe(await personIdOf(ctx, 'r22'));
    expect(row.requested_by).toBe(await personIdOf(ctx, 'g05'));

    const employee = await loginAs(ctx, 'e03');
    const card = await employee.get(`/supplier/contracts/${id}`).expect(200);
    const svc = (await ctx.db('ssu_contract_services').where({ contract_id: id }).first()) as {
      programme_service_id: number;
    };
    const sign = await expectStatus(
      postForm(employee, card.text, `/supplier/contracts/${id}/sign`, {
        [`volume_${svc.programme_service_id}`]: '12',
        validFrom: day(1),
        validTo: day(90),
      }),
      200,
    );
    await expectStatus(submitSigned(ctx, employee, sign.text, 'e03'), 303);

    const question = await guardian.get(`/contracts/${id}/sign`).expect(200);
    expect(textOf(question.text)).toContain('ГРОМОВ ВИКТОР ПАВЛОВИЧ');
    const guardianSign = await expectStatus(
      postForm(guardian, question.text, `/contracts/${id}/sign`, {}),
      200,
    );
    await expectStatus(submitSigned(ctx, guardian, guardianSign.text, 'g05'), 303);
    const after = await contractRow(ctx, id);
    expect(after.status).toBe('active');
    const doc = (await ctx.db('signed_documents').where({ id: after.recipient_document_id }).first()) as {
      signer_id: number;
      principal_id: number;
    };
    expect(doc.signer_id).toBe(await personIdOf(ctx, 'g05'));
    expect(doc.principal_id).toBe(await personIdOf(ctx, 'r22'));
    // the ward's own login sees the same contract; the guardian acting for themselves does not
    const self = await loginAs(ctx, 'g05');
    await self.get(`/contracts/${id}`).expect(404);
  });
});

describe('the demo data', () => {
  it('gives ssu-r1 a contract at each status and the guardian ssu-g1 his ward’s programme', async () => {
    const person = await loginAs(ctx, 'ssu-r1');
    const list = textOf((await person.get('/contracts').expect(200)).text);
    for (const status of [
      'На заключении',
      'На подписании',
      'Действует',
      'Отклонён поставщиком',
      'Срок действия истёк',
      'Расторгнут получателем',
      'Расторгнут поставщиком',
    ])
      expect(list).toContain(status);
    const active = (await ctx
      .db('ssu_contracts')
      .where({ status: 'active', person_id: await personIdOf(ctx, 'ssu-r1') })
      .first('id')) as { id: number };
    expect(textOf((await person.get(`/contracts/${active.id}`).expect(200)).text)).toContain('Подписать акт');
    const guardian = await loginAs(ctx, 'ssu-g1', { actFor: 'ssu-r3' });
    const ippsu = textOf((await guardian.get('/ippsu').expect(200)).text);
    expect(ippsu).toContain('Личный кабинет: БЕКОВА ЗАУРЕШ НУРЛАНОВНА');
    expect(ippsu).toContain('КГУ «Центр дневного пребывания «Қамқор»» г. Караганды');
    const employee = await loginAs(ctx, 'ssu-e1');
    expect(textOf((await employee.get('/supplier/contracts').expect(200)).text)).toContain('ЖАКУПОВА');
  });
});

describe('expiry', () => {
  it('closes a contract after its last day, and then no service is recorded under it', async () => {
    const r1 = await personIdOf(ctx, 'ssu-r1');
    const active = (await ctx.db('ssu_contracts').where({ status: 'active', person_id: r1 }).first()) as {
      id: number;
      valid_to: string;
    };
    expect(await ctx.services.contracts.contracts.expireDue()).toBe(0);
    const employee = await loginAs(ctx, 'ssu-e1');
    ctx.clock.set(new Date(Date.parse(`${active.valid_to}T12:00:00+05:00`) + 86_400_000));
    try {
      expect(await ctx.services.contracts.contracts.expireDue()).toBeGreaterThanOrEqual(1);
      expect((await contractRow(ctx, active.id)).status).toBe('expired');
      const card = textOf((await employee.get(`/supplier/contracts/${active.id}`).expect(200)).text);
      expect(card).toContain('Срок действия истёк');
      expect(card).not.toContain('Добавить запись об оказанной услуге');
    } finally {
      ctx.clock.reset();
    }
  });
});
