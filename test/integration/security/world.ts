import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { TestContext } from '../../support/context.js';
import { loginAs, personIdOf, signAs, type Agent } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import type { Actor, Role } from '../../../src/lib/actor.js';
import { MP4, PNG, VTT } from '../admin/fixtures.js';
import { addEntry, orderInProgress, smsCode } from '../specialist-services/helpers.js';
import { createOrder } from '../goods/helpers.js';
import { uploadedFile } from '../../support/uploads.js';

/** The roles of the matrix: who asks. */
export const ROLES = [
  'anonymous',
  'recipient',
  'guardian',
  'specialist',
  'supplier',
  'institution',
  'operator',
  'admin',
] as const;
export type MatrixRole = (typeof ROLES)[number];

/**
 * Who plays each role (dev-stand people): a recipient; a guardian acting for a ward; a sign-language
 * specialist; an employee of a ТСР supplier; an employee of an МСУ institution; an operator of the
 * contact centre (s05 leaves the specialists for it); the administrator.
 */
export const PLAYERS: Record<Exclude<MatrixRole, 'anonymous'>, { key: string; actFor?: string }> = {
  recipient: { key: 'r03' },
  guardian: { key: 'g04', actFor: 'r16' },
  specialist: { key: 's01' },
  supplier: { key: 'e05' },
  institution: { key: 'e01' },
  operator: { key: 's05' },
  admin: { key: 'a01' },
};

/** Records of the dev stand (seeded or made here), by owner: `mine` for one player, `theirs` for another. */
export interface World {
  agents: Record<MatrixRole, Agent>;
  ids: {
    /** person ids of the players and their principals */
    person: Record<string, number>;
    /** МСУ orders: the recipient's (r03, institution 1) and the ward's (r16, institution 4) */
    msuOrder: { recipient: number; guardian: number };
    /** departments: of the institution e01 works at, and of another one */
    department: { own: number; other: number };
    institution: { own: number; other: number };
    /** sign-language / assistant orders: r03 ↔ s01 and r16 ↔ s06, each in progress with an electronic act */
    serviceOrder: { recipient: number; guardian: number };
    act: { recipient: number; guardian: number };
    /** pending SMS codes of journal entries: s01's and s06's */
    journalCode: { own: number; other: number };
    /** goods orders: r03 at the supplier e05 works for (org 5), r16 at another supplier (org 7) */
    goodsOrder: { recipient: number; guardian: number };
    goods: { own: number; other: number };
    location: { own: number; other: number };
    photo: { own: number; other: number };
    /** support requests: the recipient's (with a screenshot) and the seeded one of r02 */
    support: { own: number; other: number };
    supportFile: number;
    /** signed documents: the recipient's, the guardian's (for the ward), the specialist's */
    document: { recipient: number; guardian: number; specialist: number };
    content: number;
    media: number;
    notice: number;
    holiday: string;
    outbox: number;
    application: number;
    grant: number;
    tsrKind: string;
    supplierOrg: number;
    measure: { recipient: number; guardian: number };
    /** a dev-stand key file of the recipient, under /dev/keys/ */
    devKey: string;
    /** the month of the acts (YYYY-MM) */
    period: string;
    /** order numbers by id */
    numbers: Record<number, string>;
    /** specialists to order from: an assistant in Astana (s04) for r03, a sign-language one in Karaganda (s03) for r16 */
    specialistEntry: { recipient: number; guardian: number };
    /** prostheses delivered where they live: of the supplier e05 works for (org 5), of org 7 */
    prosthesis: { recipient: number; guardian: number };
    /** the chat: a conversation of r02's handed to the contact centre */
    chat: number;
    /** a licence of the supplier e05 works for (org 5), shown on its public card */
    orgDocument: number;
    /** documents anyone can verify: the code of the recipient's signed document */
    verificationCode: string;
    /** МСУ referrals: the ward's (r16, seeded) and r10's (nobody's in the matrix) */
    referral: { guardian: number; other: number };
    /** sanatorium treatment (issue 17): orders of r03 and of the ward r16 at «Бурабай-Шипагер», and a period */
    sanatoriumOrder: { recipient: number; guardian: number };
    sanatoriumPeriod: number;
    /** a photo of «Бурабай-Шипагер» (no role of the matrix works there) */
    sanatoriumPhoto: number;
    /** special social services by contract: r03's at e01's organisation, r16's at another, each active with an act to sign */
    ssu: SsuWorld;
  };
}

// ---------------------------------------------------------------- special social services by contract
export interface SsuWorld {
  contract: { recipient: number; guardian: number };
  act: { recipient: number; guardian: number };
  /** an organisation of the direction to request a contract with */
  provider: number;
}

/** An ИППСУ for the person, a contract with the employee's organisation signed by both, a service and an act. */
async function ssuContract(
  ctx: TestContext,
  personKey: string,
  signerKey: string,
  employeeKey: string,
  principal?: string,
) {
  const svc = ctx.services.contracts;
  const personId = await personIdOf(ctx, principal ?? personKey);
  const organisationId = (
    (await ctx
      .db('person_roles')
      .where({ person_id: await personIdOf(ctx, employeeKey), role: 'employee' })
      .first('organisation_id')) as { organisation_id: number }
  ).organisation_id;
  const org = (await ctx.db('organisations').where({ id: organisationId }).first('bin')) as { bin: string };
  const person = (await ctx.db('persons').where({ id: personId }).first('iin')) as { iin: string };
  const today = astanaDate(ctx.clock.now());
  const until = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  await svc.programmes.importBatch({
    programmes: [
      {
        externalId: `MATRIX-${personKey}`,
        iin: person.iin,
        category: 'elderly',
        number: `ИППСУ-${personKey}`,
        developedOn: today,
        validUntil: until,
        services: [
          {
            externalId: `MATRIX-${personKey}-1`,
            code: 'SSU_HOME',
            name: { ru: 'Уход на дому', kk: 'Үйде күтім', en: 'Care at home' },
            form: 'home',
            volume: 10,
            periodFrom: today,
            periodTo: until,
          },
        ],
        providers: [org.bin],
      },
    ],
  });
  const signer = await actor(ctx, signerKey, principal ? ['guardian'] : ['recipient'], principal);
  const employee = { ...(await actor(ctx, employeeKey, ['employee'])), organisationId };
  const contract = await svc.contracts.request(signer, organisationId);
  const services = await ctx.db('ssu_contract_services').where({ contract_id: contract.id });
  const terms = {
    validFrom: today,
    validTo: until,
    services: services.map((s: { programme_service_id: number }) => ({
      programmeServiceId: s.programme_service_id,
      volume: 5,
    })),
  };
  const p = await svc.contracts.issueProviderSign(employee, contract.id, terms);
  await svc.contracts.applyProviderSign(employee, contract.id, {
    signRequestId: p.signRequest.id,
    signedXml: signAs(ctx, employeeKey, 'SIGN', p.signRequest.xml),
  });
  const r = await svc.contracts.issueRecipientSign(signer, contract.id);
  await svc.contracts.applyRecipientSign(signer, contract.id, {
    signRequestId: r.signRequest.id,
    signedXml: signAs(ctx, signerKey, 'SIGN', r.signRequest.xml),
  });
  const cs = (await ctx.db('ssu_contract_services').where({ contract_id: contract.id }).first('id')) as {
    id: number;
  };
  await svc.contracts.record(employee, contract.id, { service: cs.id, date: today, quantity: 1 });
  const act = await svc.contracts.formAct(employee, contract.id);
  return { contract: contract.id, act: act.id };
}

async function ssuWorld(ctx: TestContext): Promise<SsuWorld> {
  const own = await ssuContract(ctx, 'r03', 'r03', 'e01');
  const other = await ssuContract(ctx, 'g04', 'g04', 'e04', 'r16');
  const provider = (
    (await ctx
      .db('person_roles')
      .where({ person_id: await personIdOf(ctx, 'e02'), role: 'employee' })
      .first('organisation_id')) as { organisation_id: number }
  ).organisation_id;
  return {
    contract: { recipient: own.contract, guardian: other.contract },
    act: { recipient: own.act, guardian: other.act },
    provider,
  };
}

async function actor(ctx: TestContext, key: string, roles: Role[], principal?: string): Promise<Actor> {
  const personId = await personIdOf(ctx, key);
  const principalId = principal ? await personIdOf(ctx, principal) : personId;
  return { personId, principalId, roles };
}

/** What a journal entry of either kind needs besides day and hours (format for УЖЯ, places for УИП). */
const ENTRY = { format: 'in_person', objectsKk: 'Әкімдік', objectsRu: 'Акимат' } as const;

/** An electronic act of the current month on an order in progress: an hour in the journal, signed by the specialist. */
async function electronicAct(ctx: TestContext, specialistKey: string, orderId: number): Promise<number> {
  const today = astanaDate(ctx.clock.now());
  await addEntry(ctx, specialistKey, orderId, { day: today, hours: 2, ...ENTRY });
  const acts = ctx.services.specialistServices.acts.electronic;
  const specialist = await actor(ctx, specialistKey, ['specialist']);
  const issued = await acts.issue(specialist, orderId, { period: today.slice(0, 7) });
  const act = await acts.create(specialist, orderId, {
    signRequestId: issued.signRequest.id,
    signedXml: signAs(ctx, specialistKey, 'SIGN', issued.signRequest.xml),
  });
  return act.id;
}

/** A code sent to the recipient for a journal entry that is not yet confirmed. */
async function pendingCode(ctx: TestContext, specialistKey: string, orderId: number): Promise<number> {
  const specialist = await actor(ctx, specialistKey, ['specialist']);
  const id = await ctx.services.specialistServices.journal.requestCode(specialist, {
    order: orderId,
    day: astanaDate(ctx.clock.now()),
    hours: 1,
    ...ENTRY,
  });
  await smsCode(ctx, id); // the code went out
  return id;
}

async function firstId(ctx: TestContext, table: string, where: Record<string, unknown>): Promise<number> {
  const row = (await ctx.db(table).where(where).orderBy('id').first('id')) as { id: number } | undefined;
  if (!row) throw new Error(`no ${table} row for ${JSON.stringify(where)}`);
  return row.id;
}

/**
 * Logs every player in and makes the records the matrix needs where the seeds have none: service
 * orders with acts and journal codes, goods orders and photos, a support request with a screenshot,
 * an instruction video; the operator is a person with that role only.
 */
export async function buildWorld(ctx: TestContext): Promise<World> {
  ctx.clock.set(new Date());
  const operatorId = await personIdOf(ctx, PLAYERS.operator.key);
  await ctx.db('person_roles').where({ person_id: operatorId }).delete();
  await ctx.db('person_roles').insert({ person_id: operatorId, role: 'operator' });

  const person: Record<string, number> = {};
  for (const key of ['r02', 'r03', 'r16', 'g04', 's01', 's05', 's06', 'e01', 'e05', 'a01'])
    person[key] = await personIdOf(ctx, key);

  // sign-language / assistant orders, each with an act awaiting the recipient and a pending journal code
  const serviceR = await orderInProgress(ctx, 'r03', 's01', 'UZHYA');
  const serviceG = await orderInProgress(ctx, 'r16', 's06', 'UIP');
  const codeOwn = await pendingCode(ctx, 's01', serviceR);
  const codeOther = await pendingCode(ctx, 's06', serviceG);
  const actR = await electronicAct(ctx, 's01', serviceR);
  const actG = await electronicAct(ctx, 's06', serviceG);

  const agents = { anonymous: request.agent(ctx.app) } as Record<MatrixRole, Agent>;
  for (const [role, p] of Object.entries(PLAYERS))
    agents[role as MatrixRole] = await loginAs(ctx, p.key, p.actFor ? { actFor: p.actFor } : {});

  // goods: a photo of each supplier's goods, an order of the recipient at e05's organisation (5), the ward's at 7
  const goodsOwn = await firstId(ctx, 'goods', { organisation_id: 5, help_type: 'TSR_WHEELCHAIR' });
  const goodsOther = await firstId(ctx, 'goods', { organisation_id: 7, help_type: 'TSR_WHEELCHAIR' });
  const locationOwn = await firstId(ctx, 'goods_locations', { organisation_id: 5, kind: 'warehouse' });
  const locationOther = await firstId(ctx, 'goods_locations', { organisation_id: 7, kind: 'warehouse' });
  const catalogue = ctx.services.goods.catalogue;
  const photoFile = () => uploadedFile(PNG, 'photo', 'photo.png', 'image/png');
  await catalogue.uploadPhoto(
    { ...(await actor(ctx, 'e05', ['employee'])), organisationId: 5 },
    goodsOwn,
    photoFile(),
  );
  await catalogue.uploadPhoto(
    { ...(await actor(ctx, 'e07', ['employee'])), organisationId: 7 },
    goodsOther,
    photoFile(),
  );
  for (const [goodsId, locationId] of [
    [goodsOwn, locationOwn],
    [goodsOther, locationOther],
  ] as const)
    await ctx
      .db('goods_stock')
      .insert({ goods_id: goodsId, location_id: locationId, quantity: 5, reserved: 0 })
      .onConflict(['goods_id', 'location_id'])
      .merge({ quantity: 5 });
  const goodsR = await createOrder(ctx, agents.recipient, 'r03', 'TSR_WHEELCHAIR', goodsOwn, {
    fulfilment: 'pickup',
    warehouseId: String(locationOwn),
  });
  const goodsG = await createOrder(ctx, agents.guardian, 'g04', 'TSR_WHEELCHAIR', goodsOther, {
    fulfilment: 'pickup',
    warehouseId: String(locationOther),
  });

  // a support request of the recipient with a screenshot; the seeded one is r02's
  const filed = await ctx.services.admin.support.file(
    await actor(ctx, 'r03', ['recipient']),
    { description: 'Страница заказа не открывается', location: 'Заказы товаров' },
    [uploadedFile(PNG, 'screenshots', 'screen.png', 'image/png')],
  );
  const supportFile = await firstId(ctx, 'support_attachments', { request_id: filed.id });

  // an instruction's video
  const content = await firstId(ctx, 'content_items', { kind: 'instruction' });
  await ctx.services.admin.content.uploadMedia(await actor(ctx, 'a01', ['admin']), content, {
    video: uploadedFile(MP4, 'video', 'login.mp4', 'video/mp4'),
    captions: { ru: uploadedFile(VTT, 'captions_ru', 'ru.vtt', 'text/vtt') },
  });

  // a licence of the supplier e05 works for (the organisation's offer)
  const orgDocument = await ctx.services.offer.documents.upload(
    { ...(await actor(ctx, 'e05', ['employee'])), organisationId: 5 },
    {
      docType: 'licence',
      title: 'Лицензия',
      number: 'L-1',
      issuedBy: '',
      validFrom: '2025-01-01',
      validUntil: undefined,
      goodsId: undefined,
    },
    uploadedFile(PNG, 'file', 'licence.png', 'image/png'),
  );

  const docOf = async (signer: number) => firstId(ctx, 'signed_documents', { signer_id: signer });

  return {
    agents,
    ids: {
      person,
      msuOrder: {
        recipient: await firstId(ctx, 'orders', { kind: 'msu', recipient_id: person.r03 }),
        guardian: await firstId(ctx, 'orders', { kind: 'msu', recipient_id: person.r16 }),
      },
      department: {
        own: await firstId(ctx, 'msu_departments', { institution_id: 1 }),
        other: await firstId(ctx, 'msu_departments', { institution_id: 4 }),
      },
      institution: { own: 1, other: 4 },
      serviceOrder: { recipient: serviceR, guardian: serviceG },
      act: { recipient: actR, guardian: actG },
      journalCode: { own: codeOwn, other: codeOther },
      goodsOrder: { recipient: goodsR, guardian: goodsG },
      goods: { own: goodsOwn, other: goodsOther },
      location: { own: locationOwn, other: locationOther },
      photo: {
        own: await firstId(ctx, 'goods_photos', { goods_id: goodsOwn }),
        other: await firstId(ctx, 'goods_photos', { goods_id: goodsOther }),
      },
      support: { own: filed.id, other: await firstId(ctx, 'support_requests', { person_id: person.r02 }) },
      supportFile,
      document: {
        recipient: await docOf(person.r03!),
        guardian: await docOf(person.g04!),
        specialist: await docOf(person.s01!),
      },
      content,
      media: await firstId(ctx, 'content_media', { content_id: content }),
      notice: await firstId(ctx, 'notices', {}),
      holiday: ((await ctx.db('holidays').orderBy('day').first('day')) as { day: string }).day,
      outbox: await firstId(ctx, 'outbox', {}),
      application: await firstId(ctx, 'specialist_applications', {}),
      grant: await firstId(ctx, 'person_roles', { person_id: person.s01 }),
      tsrKind: 'TSR_WHEELCHAIR',
      supplierOrg: 5,
      measure: {
        recipient: await firstId(ctx, 'ipr_measures', { person_id: person.r03, help_type: 'TSR_DIAPERS' }),
        guardian: await firstId(ctx, 'ipr_measures', { person_id: person.r16, help_type: 'TSR_DIAPERS' }),
      },
      period: astanaDate(ctx.clock.now()).slice(0, 7),
      numbers: Object.fromEntries(
        ((await ctx.db('orders').select('id', 'number')) as { id: number; number: string }[]).map((o) => [
          o.id,
          o.number,
        ]),
      ),
      specialistEntry: {
        recipient: await firstId(ctx, 'specialists', { person_id: await personIdOf(ctx, 's04') }),
        guardian: await firstId(ctx, 'specialists', { person_id: await personIdOf(ctx, 's03') }),
      },
      prosthesis: {
        recipient: await firstId(ctx, 'goods', { organisation_id: 5, help_type: 'TSR_PROSTHESIS' }),
        guardian: await firstId(ctx, 'goods', { organisation_id: 7, help_type: 'TSR_PROSTHESIS' }),
      },
      orgDocument: orgDocument.id,
      devKey: `r03/${fs.readdirSync(path.join(ctx.dataDir, 'keys', 'r03')).find((f) => f.endsWith('.p12'))}`,
      chat: await handedOffChat(ctx, person.r02!),
      verificationCode: (
        (await ctx
          .db('signed_documents')
          .where({ signer_id: person.r03 })
          .orderBy('id')
          .first('verification_code')) as { verification_code: string }
      ).verification_code,
      referral: {
        guardian: await referralOf(ctx, person.r16!),
        other: await referralOf(ctx, await personIdOf(ctx, 'r10')),
      },
      ...(await sanatoriumWorld(ctx)),
      ssu: await ssuWorld(ctx),
    },
  };
}

/** Sanatorium treatment (issue 17): a created order of r03's and one of the ward r16's (by g04). */
async function sanatoriumWorld(ctx: TestContext) {
  const period = (await ctx
    .db('sanatorium_periods as p')
    .join('sanatoriums as s', 's.organisation_id', 'p.organisation_id')
    .where('s.name', 'Санаторий «Бурабай-Шипагер»')
    .orderBy('p.starts_on')
    .first('p.id')) as { id: number };
  const orderOf = async (signer: string, principal: string, roles: Role[]) => {
    const principalId = await personIdOf(ctx, principal);
    if (!(await ctx.db('ipr_measures').where({ person_id: principalId, help_type: 'SANATORIUM' }).first())) {
      const ipr = (await ctx.db('iprs').where({ person_id: principalId }).first('id')) as { id: number };
      await ctx.db('ipr_measures').insert({
        external_id: `matrix-SAN-${principal}`,
        ipr_id: ipr.id,
        person_id: principalId,
        help_type: 'SANATORIUM',
        volume: 21,
        deadline: '2099-12-31',
        status: 'open',
      });
    }
    const a = await actor(ctx, signer, roles, principal);
    const orders = ctx.services.sanatorium.orders;
    const issued = await orders.issueCreate(a, period.id, { companion: false }, 'ru');
    const order = await orders.applyCreate(a, period.id, {
      signRequestId: issued.signRequest.id,
      signedXml: signAs(ctx, signer, 'SIGN', issued.signRequest.xml),
    });
    return order.id;
  };
  return {
    sanatoriumOrder: {
      recipient: await orderOf('r03', 'r03', ['recipient']),
      guardian: await orderOf('g04', 'r16', ['guardian']),
    },
    sanatoriumPeriod: period.id,
    sanatoriumPhoto: await sanatoriumPhoto(ctx),
  };
}

/** A photo of «Бурабай-Шипагер», uploaded by its employee san-e1. */
async function sanatoriumPhoto(ctx: TestContext): Promise<number> {
  const org = (await ctx
    .db('sanatoriums')
    .where({ name: 'Санаторий «Бурабай-Шипагер»' })
    .first('organisation_id')) as { organisation_id: number };
  await ctx.services.sanatorium.photos.upload(
    { ...(await actor(ctx, 'san-e1', ['employee'])), organisationId: org.organisation_id },
    { alt: 'Главный корпус' },
    uploadedFile(PNG, 'photo', 'photo.png', 'image/png'),
  );
  return firstId(ctx, 'sanatorium_photos', { organisation_id: org.organisation_id });
}

/** The chat: a conversation of the person handed to the contact centre (waiting, or registered after hours). */
async function handedOffChat(ctx: TestContext, personId: number): Promise<number> {
  const chat = ctx.services.chat.conversations;
  const visitor = { conversationId: null, personId, locale: 'ru' as const };
  const c = await chat.post(visitor, 'Не открывается страница заказа');
  await chat.handOff({ ...visitor, conversationId: Number(c.id) }, {});
  return Number(c.id);
}

/** The first МСУ referral of a recipient (documents anyone can verify). */
async function referralOf(ctx: TestContext, personId: number): Promise<number> {
  const row = (await ctx
    .db('msu_referrals as r')
    .join('orders as o', 'o.id', 'r.order_id')
    .where('o.recipient_id', personId)
    .orderBy('r.id')
    .first('r.id')) as { id: number } | undefined;
  if (!row) throw new Error(`no referral of person ${personId}`);
  return row.id;
}
