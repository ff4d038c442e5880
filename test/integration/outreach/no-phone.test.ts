import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, decodeEntities, loginAs, personIdOf, type Agent } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';

let ctx: TestContext;
let astana: Agent;
let karaganda: Agent;
let admin: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  astana = await loginAs(ctx, 'lex01');
  karaganda = await loginAs(ctx, 'lex02');
  admin = await loginAs(ctx, 'a01');
});
afterAll(async () => {
  await ctx?.close();
});

/** Posts a form of the page with its CSRF token (a supertest request: `.expect` the status). */
function send(agent: Agent, html: string, action: string, fields: Record<string, string>) {
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(html), ...fields });
}

/** The notice rows of a person (the seed's and the ones recorded here). */
async function noticesOf(key: string) {
  return ctx
    .db('unreachable_notices')
    .where({ person_id: await personIdOf(ctx, key) })
    .orderBy('id');
}

describe('a notice that finds no phone is recorded, not dropped', () => {
  it('an IPR measure imported for a person without a phone waits in the region of the person', async () => {
    const np = personByKey('np01');
    const before = await noticesOf('np01');
    await ctx.services.entitlements.importIprs({
      iprs: [
        {
          externalId: 'OUTREACH-IPR-NP01',
          iin: np.iin,
          developedOn: '2026-11-01',
          measures: [{ externalId: 'OUTREACH-M-NP01', helpType: 'TSR_HEARING_AID', volume: 1 }],
        },
      ],
    });
    const after = await noticesOf('np01');
    expect(after).toHaveLength(before.length + 1);
    const added = after.at(-1)!;
    expect(added.region).toBe('г. Астана');
    expect(added.notice_key).toBe('entitlements:sms.chooseSupplier');
    expect(added.object_type).toBe('ipr-measure');
    expect(added.notified_at).toBeNull();
    // no SMS went anywhere for it
    await ctx.services.outbox.deliverDue();
    const sms = await ctx
      .db('outbox')
      .where({ system: 'sms' })
      .andWhere('idempotency_key', 'like', `%ipr-measure:${added.object_id}:%`);
    expect(sms).toHaveLength(0);
  });

  it('a person with a phone gets the SMS and is not on any list', async () => {
    const r = personByKey('r05');
    const before = await ctx.db('unreachable_notices').count({ n: '*' });
    await ctx.services.entitlements.importIprs({
      iprs: [
        {
          externalId: 'OUTREACH-IPR-R05',
          iin: r.iin,
          developedOn: '2026-11-01',
          measures: [{ externalId: 'OUTREACH-M-R05', helpType: 'TSR_HEARING_AID', volume: 1 }],
        },
      ],
    });
    const after = await ctx.db('unreachable_notices').count({ n: '*' });
    expect(after).toEqual(before);
  });
});

describe('the list of the employee’s region', () => {
  it('shows the people of the region only, not yet notified first, with the notice in words', async () => {
    const res = await astana.get('/outreach').expect(200);
    const html = decodeEntities(res.text);
    expect(html).toContain('Лица без абонентского номера в БМГ');
    expect(html).toContain('ЖУМАБАЕВ СЕРИК ОРАЛОВИЧ');
    expect(html).toContain('ПЕТРОВА АННА ИВАНОВНА');
    expect(html).not.toContain('КАСЫМОВ'); // Karaganda
    expect(html).toContain('по ИПР вам назначено');
    const other = decodeEntities((await karaganda.get('/outreach').expect(200)).text);
    expect(other).toContain('КАСЫМОВ НУРЛАН АБАЕВИЧ');
    expect(other).not.toContain('ЖУМАБАЕВ');
  });

  it('filters by name and by state', async () => {
    const byName = decodeEntities((await astana.get('/outreach?q=петрова').expect(200)).text);
    expect(byName).toContain('ПЕТРОВА');
    expect(byName).not.toContain('ЖУМАБАЕВ');
    const notified = decodeEntities((await astana.get('/outreach?state=notified').expect(200)).text);
    expect(notified).toContain('Уведомлений нет.');
  });

  it('another region’s person answers 404, and nothing changes for a post there', async () => {
    const [theirs] = await noticesOf('np03');
    await astana.get(`/outreach/${theirs.id}`).expect(404);
    const page = await astana.get('/outreach');
    await send(astana, page.text, `/outreach/${theirs.id}/notified`, { method: 'visit', note: '' }).expect(
      404,
    );
    const [still] = await noticesOf('np03');
    expect(still.notified_at).toBeNull();
  });

  it('other roles are refused', async () => {
    const recipient = await loginAs(ctx, 'r03');
    await recipient.get('/outreach').expect(403);
    await admin.get('/outreach').expect(403);
    await request(ctx.app).get('/outreach').expect(303);
    await recipient.get('/admin/outreach').expect(403);
  });
});

describe('«Отметить как уведомлённого»', () => {
  it('bad input is refused with a message and changes nothing', async () => {
    const [n] = await noticesOf('np02');
    const page = await astana.get(`/outreach/${n.id}`).expect(200);
    const none = await send(astana, page.text, `/outreach/${n.id}/notified`, { note: '' }).expect(400);
    expect(decodeEntities(none.text)).toContain('Выберите способ уведомления');
    const odd = await send(astana, page.text, `/outreach/${n.id}/notified`, {
      method: 'pigeon',
      note: '',
    }).expect(400);
    expect(decodeEntities(odd.text)).toContain('Выберите способ уведомления');
    const other = await send(astana, page.text, `/outreach/${n.id}/notified`, {
      method: 'other',
      note: ' ',
    }).expect(400);
    expect(decodeEntities(other.text)).toContain('Опишите способ уведомления в примечании');
    const [same] = await noticesOf('np02');
    expect(same.notified_at).toBeNull();
  });

  it('records how, when and by whom; the person moves to the end of the list', async () => {
    const [n] = await noticesOf('np02');
    const page = await astana.get(`/outreach/${n.id}`).expect(200);
    const res = await send(astana, page.text, `/outreach/${n.id}/notified`, {
      method: 'letter',
      note: 'Письмо № 12 вручено под роспись',
    }).expect(303);
    expect(res.headers.location).toBe('/outreach');
    const [done] = await noticesOf('np02');
    expect(done.notified_method).toBe('letter');
    expect(done.notified_note).toBe('Письмо № 12 вручено под роспись');
    expect(Number(done.notified_by)).toBe(await personIdOf(ctx, 'lex01'));
    expect(done.notified_at).not.toBeNull();

    const card = decodeEntities((await astana.get(`/outreach/${n.id}`).expect(200)).text);
    expect(card).toContain('Письмо № 12 вручено под роспись');
    expect(card).toContain('АХМЕТОВА ГУЛЬНАР СЕРИКОВНА');
    expect(card).not.toContain('Отметить как уведомлённого');

    const list = decodeEntities((await astana.get('/outreach').expect(200)).text);
    expect(list.indexOf('ЖУМАБАЕВ')).toBeLessThan(list.indexOf('ПЕТРОВА'));
    // a second mark is refused
    await send(astana, page.text, `/outreach/${n.id}/notified`, { method: 'visit', note: '' }).expect(409);
  });

  it('the export is the region’s list as UTF-8 CSV with a BOM, sent as a file', async () => {
    const res = await astana
      .get('/outreach/export.csv')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).toContain('Участник портала,ИИН');
    expect(text).toContain('ЖУМАБАЕВ СЕРИК ОРАЛОВИЧ');
    expect(text).toContain('Письмо');
    expect(text).not.toContain('КАСЫМОВ');
  });
});

describe('the administrator', () => {
  it('sees the counts per region', async () => {
    const html = decodeEntities((await admin.get('/admin/outreach').expect(200)).text);
    const row = (region: string) => {
      const m = new RegExp(
        `data-region="${region}"[\\s\\S]*?data-count="total">(\\d+)<[\\s\\S]*?data-count="open">(\\d+)<[\\s\\S]*?data-count="notified">(\\d+)<`,
      ).exec(html);
      return m ? m.slice(1).map(Number) : null;
    };
    const ast = await ctx.db('unreachable_notices').where({ region: 'г. Астана' });
    expect(row('г. Астана')).toEqual([ast.length, ast.filter((x) => !x.notified_at).length, 1]);
    expect(row('Карагандинская область')).toEqual([1, 1, 0]);
    expect(html).toContain('АХМЕТОВА ГУЛЬНАР');
  });

  it('grants the role with a region; bad input gets a message; revoking ends it', async () => {
    const page = await admin.get('/admin/outreach').expect(200);
    const bad = await send(admin, page.text, '/admin/outreach/executives', {
      iin: '12',
      region: 'Марс',
    }).expect(400);
    expect(decodeEntities(bad.text)).toContain('ИИН состоит из 12 цифр');
    expect(decodeEntities(bad.text)).toContain('Выберите регион');
    const unknown = await send(admin, page.text, '/admin/outreach/executives', {
      iin: '000000000000',
      region: 'Карагандинская область',
    }).expect(400);
    expect(decodeEntities(unknown.text)).toContain('Пользователь с таким ИИН на портале не найден');

    // r07 (a person the portal knows) becomes the employee for Karaganda
    const r07 = personByKey('r07');
    await send(admin, page.text, '/admin/outreach/executives', {
      iin: r07.iin,
      region: 'Карагандинская область',
    }).expect(303);
    const agent = await loginAs(ctx, 'r07');
    const list = decodeEntities((await agent.get('/outreach').expect(200)).text);
    expect(list).toContain('КАСЫМОВ');
    expect(list).not.toContain('ЖУМАБАЕВ');

    const again = await admin.get('/admin/outreach').expect(200);
    const id = await personIdOf(ctx, 'r07');
    await send(admin, again.text, `/admin/outreach/executives/${id}/revoke`, {}).expect(303);
    const after = await loginAs(ctx, 'r07');
    await after.get('/outreach').expect(403);
  });
});
