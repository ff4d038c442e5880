/**
 * Elderly recipients (rules, item 7; issue 16, item 7): the Е-Собес import carries the category; an
 * elderly person's holds recommended special social services (no ИПР, no disability group), which
 * «Помощь для вас» shows with their statuses in the elderly wording; the temporary registration
 * address is shown beside the permanent one where the registry has it.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { decodeEntities, loginAs, submitSigned } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';

const TOKEN = 'dev-esobes-token';
let ctx: TestContext;

const post = (body: unknown) =>
  request(ctx.app)
    .post('/api/esobes/ipr')
    .set('Accept', 'application/json')
    .set('Authorization', `Bearer ${TOKEN}`)
    .send(body as object);

const programme = (
  key: string,
  externalId: string,
  extra: Record<string, unknown>,
  measures: { externalId: string; helpType: string; volume: number }[],
) => ({
  iprs: [
    {
      externalId,
      iin: personByKey(key).iin,
      developedOn: '2026-11-20',
      validUntil: '2027-11-19',
      ...extra,
      measures,
    },
  ],
});

/** The page's text: tags dropped, entities decoded, white space collapsed. */
const text = (html: string) =>
  decodeEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

async function smsTo(phone: string): Promise<string[]> {
  const rows = (await ctx.db('outbox').where({ system: 'sms' }).orderBy('id')) as {
    payload: { phone: string; text: string };
  }[];
  return rows.filter((r) => r.payload.phone === phone).map((r) => r.payload.text);
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('the Е-Собес import carries the category', () => {
  it('an elderly person’s programme holds recommended special social services, told of them by SMS', async () => {
    const res = await post(
      programme('r22', 'SSU-R22-2026', { category: 'elderly' }, [
        { externalId: 'SSU-R22-HOME', helpType: 'SSU_HOME', volume: 180 },
      ]),
    ).expect(200);
    expect(res.body.measures).toMatchObject({ received: 1, created: 1 });
    const ipr = await ctx.db('iprs').where({ external_id: 'SSU-R22-2026' }).first();
    expect(ipr).toMatchObject({ category: 'elderly', disability_group: null });
    const sms = await smsTo(personByKey('r22').phone);
    expect(sms.at(-1)).toContain(
      'вам рекомендованы специальные социальные услуги «Специальные социальные услуги в условиях ухода на дому»',
    );
    expect(sms.at(-1)).not.toContain('ИПР');
  });

  it('refuses, storing nothing, an elderly programme with other help or with a disability group', async () => {
    const tsr = await post(
      programme('r21', 'SSU-R21-BAD', { category: 'elderly' }, [
        { externalId: 'SSU-R21-HOME', helpType: 'SSU_HOME', volume: 30 },
        { externalId: 'SSU-R21-CHAIR', helpType: 'TSR_WHEELCHAIR', volume: 1 },
      ]),
    ).expect(400);
    expect(tsr.body.fields['iprs.0.measures.1.helpType']).toMatch(/not a special social service/);
    const group = await post(
      programme('r21', 'SSU-R21-BAD', { category: 'elderly', disabilityGroup: 2 }, [
        { externalId: 'SSU-R21-HOME', helpType: 'SSU_HOME', volume: 30 },
      ]),
    ).expect(400);
    expect(group.body.fields.disabilityGroup ?? group.body.fields['iprs.0.disabilityGroup']).toMatch(
      /no disability group/,
    );
    const odd = await post(
      programme('r21', 'SSU-R21-BAD', { category: 'aged' }, [
        { externalId: 'SSU-R21-HOME', helpType: 'SSU_HOME', volume: 30 },
      ]),
    ).expect(400);
    expect(Object.keys(odd.body.fields)).toContain('iprs.0.category');
    expect(await ctx.db('iprs').where({ external_id: 'SSU-R21-BAD' })).toHaveLength(0);
    expect(await ctx.db('ipr_measures').where({ external_id: 'SSU-R21-HOME' })).toHaveLength(0);
  });

  it('a programme without a category is a disability’s ИПР, and keeps its disability group', async () => {
    await post(
      programme('r18', 'IPR-R18-2026', { disabilityGroup: 2 }, [
        { externalId: 'IPR-R18-SHOES', helpType: 'TSR_ORTHO_SHOES', volume: 2 },
      ]),
    ).expect(200);
    expect(await ctx.db('iprs').where({ external_id: 'IPR-R18-2026' }).first()).toMatchObject({
      category: 'disability',
      disability_group: 2,
    });
    const agent = await loginAs(ctx, 'r18');
    const page = text((await agent.get('/help').expect(200)).text);
    expect(page).toContain('индивидуальной программе реабилитации (ИПР)');
    expect(page).toContain('ИПР № IPR-R18-2026 от 20.11.2026');
    expect(page).toContain('Группа инвалидности: 2.');
    expect(page).not.toContain('Рекомендованные специальные социальные услуги');
  });
});

describe('«Помощь для вас» of an elderly person', () => {
  it('the welcome letter of the first login speaks of recommended special social services', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login').expect(200);
    const res = await submitSigned(ctx, agent, page.text, 'r21');
    expect(res.headers.location).toBe('/welcome');
    const welcome = text((await agent.get('/welcome').expect(200)).text);
    expect(welcome).toContain('отображаются рекомендованные вам специальные социальные услуги');
    expect(welcome).not.toContain('ИПР');
  });

  it('speaks of recommended special social services with their statuses, not of an ИПР', async () => {
    const agent = await loginAs(ctx, 'r22', { lang: 'ru' });
    const page = text((await agent.get('/help').expect(200)).text);
    expect(page).toContain('Рекомендованные вам специальные социальные услуги (ССУ) и статусы их реализации');
    expect(page).toContain('Рекомендованные специальные социальные услуги № SSU-R22-2026 от 20.11.2026');
    expect(page).not.toMatch(/ИПР/);
    // the services recommended (the seed's and the import's), each with its status
    for (const name of [
      'Специальные социальные услуги в условиях ухода на дому',
      'Специальные социальные услуги в условиях полустационара',
      'Специальные социальные услуги в условиях временного пребывания',
    ])
      expect(page).toContain(name);
    expect(page).toContain('Рекомендованный объём');
    expect(page).toContain('Статус Рекомендовано');
    // no goods or payments sections: nothing of the kind is recommended to the elderly
    expect(page).not.toContain('Технические средства реабилитации');
    expect(page).not.toContain('Социальные выплаты');
  });

  it('a recommended МСУ still offers the choice of an institution', async () => {
    const agent = await loginAs(ctx, 'r21');
    const html = (await agent.get('/help').expect(200)).text;
    const page = text(html);
    expect(page).toContain('Специальные социальные услуги в условиях стационара (МСУ)');
    expect(page).toContain('Статус Ожидает выбора поставщика');
    expect(html).toMatch(/href="\/msu\?measure=\d+"/);
  });

  it('in Kazakh and English too', async () => {
    const kk = text((await (await loginAs(ctx, 'r21', { lang: 'kk' })).get('/help').expect(200)).text);
    expect(kk).toContain('Сізге ұсынылған арнаулы әлеуметтік қызметтер');
    expect(kk).toContain('Үйде күтім жағдайында арнаулы әлеуметтік қызметтер');
    expect(kk).toContain('Ұсынылды');
    const en = text((await (await loginAs(ctx, 'r21', { lang: 'en' })).get('/help').expect(200)).text);
    expect(en).toContain('The special social services recommended to you');
    expect(en).toContain('Special social services: care at home');
    expect(en).toContain('Recommended special social services No. ESOBES-SSU-R21 of 01.09.2026');
    expect(en).not.toMatch(/\bIPR\b/);
  });
});

describe('the temporary registration address', () => {
  it('is shown beside the permanent one where the registry has it', async () => {
    const page = text((await (await loginAs(ctx, 'r21')).get('/cabinet').expect(200)).text);
    expect(page).toContain(
      'Адрес постоянной регистрации г. Астана, г. Астана, ул. Жансугурова, д. 8, кв. 12',
    );
    expect(page).toContain(
      'Адрес временной регистрации г. Астана, г. Астана, ул. Бөгенбай батыра, д. 22, кв. 5 (до 30.06.2027)',
    );
    const row = await ctx
      .db('persons')
      .where({ iin: personByKey('r21').iin })
      .first('temporary_address');
    expect(row.temporary_address).toMatchObject({ street: 'ул. Бөгенбай батыра', validUntil: '2027-06-30' });
  });

  it('is absent where the registry has none', async () => {
    const page = text((await (await loginAs(ctx, 'r02')).get('/cabinet').expect(200)).text);
    expect(page).toContain('Адрес постоянной регистрации');
    expect(page).not.toContain('Адрес временной регистрации');
  });
});
