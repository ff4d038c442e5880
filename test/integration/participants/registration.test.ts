import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, postForm, submitSigned, type Agent } from '../../support/http.js';
import { organisationByKey, personByKey } from '../../../src/devstand/people.js';

/** Opens the registration page and signs its challenge (form 0: legal entity, 1: entrepreneur). */
async function identify(ctx: TestContext, personKey: string, form: 0 | 1) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/registration').expect(200);
  const res = await submitSigned(ctx, agent, page.text, personKey, { index: form });
  return { agent, res };
}

/** Identifies, opens the application page, issues the application and signs it. */
async function apply(ctx: TestContext, personKey: string, form: 0 | 1): Promise<Agent> {
  const { agent, res } = await identify(ctx, personKey, form);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  expect(res.headers.location).toBe('/registration/application');
  const page = await agent.get('/registration/application').expect(200);
  const sign = await postForm(agent, page.text, '/registration/application', {});
  expect(sign.status).toBe(200);
  const done = await submitSigned(ctx, agent, sign.text, personKey);
  expect(done.status, done.text.slice(0, 300)).toBe(303);
  return agent;
}

async function applicationOf(ctx: TestContext, bin: string) {
  return (await ctx.db('supplier_applications').where({ bin }).orderBy('id', 'desc').first()) as {
    id: number;
    status: string;
    refusal_reason: string | null;
    signed_document_id: number;
    decision_document_id: number | null;
    available_directions: string[];
  };
}

async function decide(
  ctx: TestContext,
  admin: Agent,
  id: number,
  decision: 'approve' | 'refuse',
  reason = '',
) {
  const card = await admin.get(`/admin/supplier-applications/${id}`).expect(200);
  const sign =
    decision === 'approve'
      ? await postForm(admin, card.text, `/admin/supplier-applications/${id}/approve`, {})
      : await postForm(admin, card.text, `/admin/supplier-applications/${id}/refuse`, { reason });
  expect(sign.status).toBe(200);
  const res = await submitSigned(ctx, admin, sign.text, 'a01');
  expect(res.status, res.text.slice(0, 300)).toBe(303);
}

describe('registration of suppliers by EDS (rules item 12)', () => {
  let ctx: TestContext;
  let admin: Agent;
  const care = organisationByKey('new-care');

  beforeAll(async () => {
    ctx = await createTestContext();
    admin = await loginAs(ctx, 'a01');
  });
  afterAll(async () => ctx?.close());

  it('the start page offers «Регистрация поставщика»; the demo organisations to register are not in the database', async () => {
    const home = await request(ctx.app).get('/').expect(200);
    expect(home.text).toContain('href="/registration"');
    expect(home.text).toContain('Регистрация поставщика');
    for (const key of ['new-care', 'new-closed', 'new-unknown', 'new-ortho'])
      expect(
        await ctx
          .db('organisations')
          .where({ bin: organisationByKey(key).bin })
          .first(),
      ).toBeUndefined();
  });

  it('refuses an unknown BIN and a liquidated organisation with a message, writing nothing', async () => {
    const unknown = await identify(ctx, 'h03', 0);
    expect(unknown.res.status).toBe(400);
    expect(unknown.res.text).toContain('не найдена в ГБД ЮЛ');
    const closed = await identify(ctx, 'h02', 0);
    expect(closed.res.status).toBe(400);
    expect(closed.res.text).toContain('ликвидирована по данным ГБД ЮЛ');
    // the application page is not reachable without an identification
    const page = await closed.agent.get('/registration/application');
    expect(page.status).toBe(303);
    const count = await ctx.db('supplier_applications').count('* as n').first();
    expect(Number(count?.n)).toBe(0);
  });

  it('refuses a personal key on the legal-entity form and a legal key on the entrepreneur form', async () => {
    const personal = await identify(ctx, 'ip01', 0);
    expect(personal.res.status).toBe(400);
    const legal = await identify(ctx, 'h01', 1);
    expect(legal.res.status).toBe(400);
    expect(legal.res.text).toContain('Ключ юридического лица нельзя использовать');
    const notEntrepreneur = await identify(ctx, 'r01', 1);
    expect(notEntrepreneur.res.status).toBe(400);
    expect(notEntrepreneur.res.text).toContain(
      'нет сведений о вашей регистрации в качестве индивидуального предпринимателя',
    );
  });

  it('a legal entity: registry data shown, signed application, signed approval, the head logs in with the legal key', async () => {
    // before registering, the legal key does not open the portal
    const anon = request.agent(ctx.app);
    const before = await anon.get('/login');
    const refused = await submitSigned(ctx, anon, before.text, 'h01');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Нужен ключ сотрудника организации');

    const { agent, res } = await identify(ctx, 'h01', 0);
    expect(res.status).toBe(303);
    const page = await agent.get('/registration/application').expect(200);
    for (const text of [
      care.name,
      'ТОО «Мейірім Care»',
      'Нұрланова Жанар Болатқызы',
      'Учредители (количество: 2)',
      'Ахметов Ерлан Серикович',
      'право аренды',
      'Частная собственность',
      'Вновь созданное',
      '87301, 47741',
      'Специальные социальные услуги',
      'Услуги индивидуального помощника',
    ])
      expect(page.text).toContain(text);
    expect(page.text).not.toContain('Продажа ТСР</li>');

    const sign = await postForm(agent, page.text, '/registration/application', {});
    expect(sign.status).toBe(200);
    expect(sign.text).toContain('supplier-application');
    // the application is signed with the legal-entity key of the same БИН, not a personal one
    const personal = await submitSigned(ctx, agent, sign.text, 'r01');
    expect(personal.status).toBe(409);
    const signed = await submitSigned(ctx, agent, sign.text, 'h01');
    expect(signed.status).toBe(303);
    const status = await agent.get('/registration/application').expect(200);
    expect(status.text).toContain('На рассмотрении');
    expect(status.text).not.toContain('Подать заявку');

    const app = await applicationOf(ctx, care.bin);
    expect(app.status).toBe('submitted');
    expect(app.available_directions).toEqual(['special_social_services', 'individual_assistant']);
    const doc = (await ctx.db('signed_documents').where({ id: app.signed_document_id }).first()) as {
      signer_bin: string;
      signed_xml: string;
    };
    expect(doc.signer_bin).toBe(care.bin);
    expect(doc.signed_xml).toContain('Ахметов Ерлан Серикович');

    // a second application while the first is undecided is refused
    const again = await identify(ctx, 'h01', 0);
    const againPage = await again.agent.get('/registration/application').expect(200);
    expect(againPage.text).not.toContain('action="/registration/application"');
    const csrfPage = await again.agent.get('/registration').expect(200);
    const second = await postForm(again.agent, csrfPage.text, '/registration/application', {});
    expect(second.status).toBe(409);
    expect(second.text).toContain('Заявка уже подана');

    const list = await admin.get('/admin/supplier-applications').expect(200);
    expect(list.text).toContain(care.name);
    await decide(ctx, admin, app.id, 'approve');
    const decided = await applicationOf(ctx, care.bin);
    expect(decided.status).toBe('approved');
    expect(decided.decision_document_id).toBeTruthy();
    const org = (await ctx.db('organisations').where({ bin: care.bin }).first()) as {
      id: number;
      kind: string;
      directions: string[];
      available_directions: string[];
      activity_code: string;
      region: string;
    };
    expect(org).toMatchObject({
      kind: 'legal',
      activity_code: '88101',
      region: 'г. Астана',
      directions: ['special_social_services', 'individual_assistant'],
      available_directions: ['special_social_services', 'individual_assistant'],
    });
    const h01 = await personIdOf(ctx, 'h01');
    expect(
      await ctx
        .db('person_roles')
        .where({ person_id: h01, role: 'employee', organisation_id: org.id })
        .first('org_admin'),
    ).toEqual({ org_admin: true });
    // deciding twice is refused
    const card = await admin.get(`/admin/supplier-applications/${app.id}`).expect(200);
    expect(card.text).not.toContain(`/admin/supplier-applications/${app.id}/approve"`);
    expect(
      (await postForm(admin, card.text, `/admin/supplier-applications/${app.id}/approve`, {})).status,
    ).toBe(409);

    // the applicant sees the decision by signing again on the registration page
    const after = await identify(ctx, 'h01', 0);
    const shown = await after.agent.get('/registration/application').expect(200);
    expect(shown.text).toContain('Одобрена');

    const head = await loginAs(ctx, 'h01');
    const cabinet = await head.get('/supplier').expect(200);
    expect(cabinet.text).toContain(care.name);
    const own = await head.get('/supplier/organisation').expect(200);
    expect(own.text).toContain('Карточка организации');
    expect(own.text).toContain('88.10.1');
    expect(own.text).toContain('Услуги индивидуального помощника');
    // the head administers the new organisation's staff from the start
    const staff = await head.get('/organisation/staff').expect(200);
    expect(staff.text).toContain('НҰРЛАНОВА ЖАНАР БОЛАТҚЫЗЫ');
  });

  it('an individual entrepreneur: refused with a reason shown to them, then approved; the personal key opens the supplier cabinet beside the personal one', async () => {
    const ip = personByKey('ip01');
    await apply(ctx, 'ip01', 1);
    const first = await applicationOf(ctx, ip.iin);
    expect(first.available_directions).toEqual(['tsr_sales']);

    // the refusal needs a reason
    const card = await admin.get(`/admin/supplier-applications/${first.id}`).expect(200);
    const empty = await postForm(admin, card.text, `/admin/supplier-applications/${first.id}/refuse`, {
      reason: '',
    });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Укажите причину');
    await decide(ctx, admin, first.id, 'refuse', 'Не приложены сведения о помещении');
    expect((await applicationOf(ctx, ip.iin)).status).toBe('refused');

    const { agent } = await identify(ctx, 'ip01', 1);
    const page = await agent.get('/registration/application').expect(200);
    expect(page.text).toContain('Отклонена');
    expect(page.text).toContain('Не приложены сведения о помещении');
    expect(page.text).toContain('ИП «Ортопедия Плюс»');
    expect(page.text).toContain('ИП-0422-118843');
    expect(page.text).toContain('Подать заявку');

    await apply(ctx, 'ip01', 1);
    const second = await applicationOf(ctx, ip.iin);
    expect(second.id).not.toBe(first.id);
    await decide(ctx, admin, second.id, 'approve');
    const org = (await ctx.db('organisations').where({ bin: ip.iin }).first()) as {
      kind: string;
      directions: string[];
    };
    expect(org).toMatchObject({ kind: 'entrepreneur', directions: ['tsr_sales'] });

    const me = await loginAs(ctx, 'ip01');
    await me.get('/cabinet').expect(200);
    // logged in, the registration page lists the applications the person signed
    const mine = await me.get('/registration').expect(200);
    expect(mine.text).toContain('Ваши заявки');
    expect(mine.text).toContain('Одобрена');
    expect(mine.text).toContain('Не приложены сведения о помещении');
    const supplier = await me.get('/supplier').expect(200);
    expect(supplier.text).toContain('ИП «Ортопедия Плюс»');
    await me.get('/supplier/goods').expect(200);
    const own = await me.get('/supplier/organisation').expect(200);
    expect(own.text).toContain('ИИН');
  });

  it('an individual assistant cannot send the registry application while on a dispensary record', async () => {
    const s10 = await loginAs(ctx, 's10');
    const page = await s10.get('/specialist/registry').expect(200);
    const res = await postForm(s10, page.text, '/specialist/registry/applications', {
      type: 'inclusion',
      kind: 'UIP',
      region: 'г. Астана',
      locality: 'г. Астана',
      reason: '',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('состоите на диспансерном учёте');
    expect(res.text).not.toContain('data-eds-sign');

    // without a record the confirmation goes into the signed application
    const s11 = await loginAs(ctx, 's11');
    const p11 = await s11.get('/specialist/registry').expect(200);
    const sign = await postForm(s11, p11.text, '/specialist/registry/applications', {
      type: 'inclusion',
      kind: 'UIP',
      region: 'г. Астана',
      locality: 'г. Астана',
      reason: '',
    });
    expect(sign.status).toBe(200);
    expect(sign.text).toContain('dispensaryCheck');
    expect((await submitSigned(ctx, s11, sign.text, 's11')).status).toBe(303);
    const id = await personIdOf(ctx, 's11');
    expect(
      await ctx.db('specialist_applications').where({ person_id: id, kind: 'UIP' }).first(),
    ).toBeTruthy();
  });

  it('the administrator narrows the directions with a signed reason; the organisation sees it; widening is refused', async () => {
    const org = (await ctx.db('organisations').where({ bin: care.bin }).first()) as { id: number };
    const page = await admin.get(`/admin/organisations/${org.id}`).expect(200);
    expect(page.text).toContain('Доступно по ОКЭД');
    const noReason = await postForm(admin, page.text, `/admin/organisations/${org.id}/directions`, {
      directions: ['special_social_services'],
      reason: '',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Укажите причину');
    const wider = await postForm(admin, page.text, `/admin/organisations/${org.id}/directions`, {
      directions: ['special_social_services', 'tsr_sales'],
      reason: 'Расширить',
    });
    expect(wider.status).toBe(400);
    expect(wider.text).toContain('Можно выбрать только направления, доступные');

    const sign = await postForm(admin, page.text, `/admin/organisations/${org.id}/directions`, {
      directions: ['special_social_services'],
      reason: 'Нет договора на услуги индивидуального помощника',
    });
    expect(sign.status).toBe(200);
    expect((await submitSigned(ctx, admin, sign.text, 'a01')).status).toBe(303);
    const row = (await ctx.db('organisations').where({ id: org.id }).first()) as {
      directions: string[];
      available_directions: string[];
      directions_reason: string;
      directions_document_id: number;
    };
    expect(row.directions).toEqual(['special_social_services']);
    expect(row.available_directions).toEqual(['special_social_services', 'individual_assistant']);
    expect(row.directions_reason).toBe('Нет договора на услуги индивидуального помощника');
    expect(row.directions_document_id).toBeTruthy();

    const head = await loginAs(ctx, 'h01');
    const own = await head.get('/supplier/organisation').expect(200);
    expect(own.text).toContain('Закрыто администратором');
    expect(own.text).toContain('Нет договора на услуги индивидуального помощника');
    // the session's directions come from the login: the new login reads the narrowed ones
    const auth = await head.get('/supplier').expect(200);
    expect(auth.text).not.toContain('Услуги индивидуального помощника</h3>');
  });

  it('the card and the applications are not for others: 404 for unknown ids, 403 for other roles', async () => {
    await admin.get('/admin/organisations/999999').expect(404);
    await admin.get('/admin/supplier-applications/999999').expect(404);
    const r01 = await loginAs(ctx, 'r01');
    expect((await r01.get('/admin/supplier-applications')).status).toBe(403);
    expect((await r01.get('/supplier/organisation')).status).toBe(403);
    // csrf still guards the public registration posts
    const anon = request.agent(ctx.app);
    const page = await anon.get('/registration').expect(200);
    expect(csrfFrom(page.text)).toBeTruthy();
    expect(
      (await anon.post('/registration/legal').type('form').send({ signRequestId: 'x', signedXml: 'x' }))
        .status,
    ).toBe(403);
  });
});
