import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, postForm } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { QUEUE_CHECK_LIMIT } from '../../../src/routes/msu/open-data.js';
import { ALMATY_MEN, ASTANA_MERCY, dept, deptId, orderOf } from './helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('open data (no login)', () => {
  it('the index links the released-places protocol, the referrals log and the queue check', async () => {
    const res = await request(ctx.app).get('/open-data').expect(200);
    expect(res.text).toContain('href="/open-data/releases"');
    expect(res.text).toContain('href="/open-data/referrals"');
    expect(res.text).toContain('href="/queue-check"');
  });

  it('the protocol shows release and priority end times, filterable by institution and dates', async () => {
    const all = await request(ctx.app).get('/open-data/releases').expect(200);
    expect(all.text).toContain('Протокол освобождения мест');
    expect(all.text).toContain('03.11.2026'); // the seeded priority end (Astana time)
    const astana = (await ctx.db('msu_institutions').where('name', 'like', '%№ 1%').first('id')) as {
      id: number;
    };
    const only = await request(ctx.app).get(`/open-data/releases?institution=${astana.id}`).expect(200);
    expect(only.text).toContain('Найдено записей: 2.');
    const none = await request(ctx.app).get('/open-data/releases?from=2030-01-01').expect(200);
    expect(none.text).toContain('Записей с такими условиями нет');
  });

  it('downloads CSV (UTF-8 with BOM) and JSON with initials only', async () => {
    const csv = await request(ctx.app)
      .get('/open-data/referrals.csv')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const body = csv.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).toContain('О*** Г. Е.');
    expect(text).not.toContain('ОМАРОВА');
    const json = await request(ctx.app).get('/open-data/releases.json').expect(200);
    expect(json.body.dataset).toBe('msu-released-places');
    expect(json.body.items.length).toBeGreaterThan(0);
    expect(json.body.items[0]).toHaveProperty('priorityEndsAt');
    const iins = JSON.stringify((await request(ctx.app).get('/open-data/referrals.json')).body);
    expect(iins).not.toMatch(/\d{12}/);
  });
});

describe('«Проверить очередь»', () => {
  it('shows the position by order number and birth date; a wrong pair gets a neutral answer', async () => {
    const o = (await orderOf(ctx, await personIdOf(ctx, 'r05')))!;
    const agent = request.agent(ctx.app);
    const page = await agent.get('/queue-check').expect(200);
    const [y, m, d] = personByKey('r05').birthDate.split('-');
    const ok = await postForm(agent, page.text, '/queue-check', {
      number: o.number,
      'birth-day': d!,
      'birth-month': m!,
      'birth-year': y!,
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/id="check-position">2 из 3/);
    const wrong = await postForm(agent, page.text, '/queue-check', {
      number: o.number,
      'birth-day': '01',
      'birth-month': '01',
      'birth-year': '1990',
    });
    expect(wrong.text).toContain('Заказ с таким номером и датой рождения не найден');
    expect(wrong.text).not.toContain(ASTANA_MERCY);
    const bad = await postForm(agent, page.text, '/queue-check', {
      number: 'abc',
      'birth-day': '31',
      'birth-month': '02',
      'birth-year': '1990',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Номер заказа выглядит так');
    expect(bad.text).toContain('Введите дату рождения');
  });

  it(`is rate-limited (${QUEUE_CHECK_LIMIT} checks per window per address)`, async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/queue-check').expect(200);
    const token = csrfFrom(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < QUEUE_CHECK_LIMIT + 2; i++) {
      const r = await agent.post('/queue-check').type('form').send({
        _csrf: token,
        number: '2026-0000001',
        'birth-day': '01',
        'birth-month': '01',
        'birth-year': '1990',
      });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
  });
});

describe('admin МСУ registry', () => {
  it('lists institutions; edits a description; adds a department; bed changes need a reason', async () => {
    const a01 = await loginAs(ctx, 'a01');
    const list = await a01.get('/admin/msu').expect(200);
    expect(list.text).toContain('Реестр МСУ');
    expect(list.text).toContain('ТОО «Забота и помощь»'); // has the direction, no card yet
    const inst = (await ctx.db('msu_institutions').orderBy('id').first()) as { id: number; name: string };
    const page = await a01.get(`/admin/msu/institutions/${inst.id}`).expect(200);
    const bad = await postForm(a01, page.text, `/admin/msu/institutions/${inst.id}`, {
      name: '',
      region: 'x',
      locality: 'y',
      address: 'z',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Введите название');
    const saved = await postForm(a01, page.text, `/admin/msu/institutions/${inst.id}`, {
      name: inst.name,
      description_ru: 'Новое описание учреждения',
      region: 'г. Астана',
      locality: 'г. Астана',
      address: 'г. Астана, ул. Кенесары, 40',
      phone: '+77172500101',
      email: 'msu1@astana.example.kz',
      active: ['yes', 'no'],
    });
    expect(saved.status).toBe(303);
    const pub = await request(ctx.app).get('/msu').expect(200);
    expect(pub.text).toContain('Новое описание учреждения');

    const newPage = await a01.get(`/admin/msu/institutions/${inst.id}/departments/new`).expect(200);
    const added = await postForm(a01, newPage.text, `/admin/msu/institutions/${inst.id}/departments/new`, {
      name_ru: 'Отделение дневного пребывания',
      profile: 'rehabilitation',
      sex: 'any',
      age_group: 'adults',
      beds_total: '12',
      active: ['yes', 'no'],
    });
    expect(added.status).toBe(303);
    const id = await deptId(ctx, 'Отделение дневного пребывания');
    expect((await dept(ctx, id)).free).toBe(12);

    const men = await deptId(ctx, ALMATY_MEN);
    const deptPage = await a01.get(`/admin/msu/departments/${men}`).expect(200);
    const noReason = await postForm(a01, deptPage.text, `/admin/msu/departments/${men}`, {
      name_ru: ALMATY_MEN,
      profile: 'general',
      sex: 'M',
      age_group: 'elderly',
      beds_total: '35',
      active: ['yes', 'no'],
    });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Укажите причину');
    const ok = await postForm(a01, deptPage.text, `/admin/msu/departments/${men}`, {
      name_ru: ALMATY_MEN,
      profile: 'general',
      sex: 'M',
      age_group: 'elderly',
      beds_total: '35',
      active: ['yes', 'no'],
      reason: 'Приказ управления № 12',
    });
    expect(ok.status).toBe(303);
    expect((await dept(ctx, men)).beds_total).toBe(35);
  });

  it('exposes queue statistics for the admin reports', async () => {
    const stats = await ctx.services.msu.reports.queueStats();
    const mercy = stats.find((s) => s.department === ASTANA_MERCY)!;
    expect(mercy.queueLength).toBe(3);
    expect(mercy.avgWaitDays).toBeGreaterThan(10);
  });

  it('is for administrators only', async () => {
    const r01 = await loginAs(ctx, 'r01');
    await r01.get('/admin/msu').expect(403);
  });
});
