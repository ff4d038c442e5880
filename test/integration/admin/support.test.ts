import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, uploadActionFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';
import { astana, FAKE_PNG, JPEG, PNG, tableRows } from './fixtures.js';

let ctx: TestContext;
let asR01: Agent;
let asR02: Agent;
let asAdmin: Agent;
let asOperator: Agent;
let r01Phone: string;
let r02Phone: string;

/** Files a request through the form; returns the response. */
async function file(
  agent: Agent,
  description: string,
  files: { name: string; body: Buffer }[] = [],
  location = '',
) {
  const page = await agent.get('/support/new').expect(200);
  let req = agent
    .post(uploadActionFrom(page.text))
    .field('_csrf', csrfFrom(page.text))
    .field('description', description)
    .field('location', location);
  for (const f of files) req = req.attach('screenshots', f.body, f.name);
  return req;
}

async function requestRow(id: number) {
  return ctx.db('support_requests').where({ id }).first();
}

async function act(agent: Agent, id: number, action: string, fields: Record<string, string> = {}) {
  const page = await agent.get(`/admin/support/${id}`).expect(200);
  const version = (await requestRow(id)).version as number;
  return agent
    .post(`/admin/support/${id}/${action}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), version: String(version), ...fields });
}

async function smsTo(phone: string): Promise<string[]> {
  await ctx.services.outbox.deliverDue(200);
  return ((await ctx.db('dev_sms').where({ phone }).orderBy('id')) as { text: string }[]).map((r) => r.text);
}

const idFrom = (location: string) => Number(/\/support\/(\d+)$/.exec(location)![1]);

beforeAll(async () => {
  ctx = await createTestContext();
  const s06 = await personIdOf(ctx, 's06');
  await ctx.db('person_roles').where({ person_id: s06 }).delete();
  await ctx.db('person_roles').insert({ person_id: s06, role: 'operator' });
  asR01 = await loginAs(ctx, 'r01');
  asR02 = await loginAs(ctx, 'r02');
  asAdmin = await loginAs(ctx, 'a01');
  asOperator = await loginAs(ctx, 's06');
  r01Phone = (
    await ctx
      .db('persons')
      .where({ id: await personIdOf(ctx, 'r01') })
      .first('phone')
  ).phone;
  r02Phone = (
    await ctx
      .db('persons')
      .where({ id: await personIdOf(ctx, 'r02') })
      .first('phone')
  ).phone;
});
afterAll(async () => {
  ctx.clock.reset();
  await ctx?.close();
});

describe('filing a request', () => {
  it('refuses a too short description with the error beside the field', async () => {
    const res = await file(asR01, 'сбой');
    expect(res.status).toBe(400);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('href="#description"');
    expect(res.text).toContain('не меньше 10 знаков');
  });

  it('refuses a file that is not a PNG or JPEG whatever its name, and keeps nothing', async () => {
    const before = await ctx.db('support_requests').count<{ count: number }[]>('* as count');
    const res = await file(asR01, 'Кнопка «Подписать» не работает', [{ name: 'screen.png', body: FAKE_PNG }]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('не является изображением PNG или JPEG');
    const after = await ctx.db('support_requests').count<{ count: number }[]>('* as count');
    expect(after[0]!.count).toBe(before[0]!.count);
  });

  it('refuses a screenshot over 5 MB', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await file(asR01, 'Кнопка «Подписать» не работает', [{ name: 'big.png', body: big }]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('больше 5 МБ');
  });
});

describe('a request from filing to the fix notice', () => {
  let id: number;
  let number: string;

  it('is filed on Friday after 15:30: registration is due Monday at 10:30 (three working hours)', async () => {
    ctx.clock.set(astana('2026-11-27T17:00'));
    const res = await file(
      asR01,
      'После нажатия «Подписать» страница заказа показывает ошибку 500.',
      [
        { name: 'one.png', body: PNG },
        { name: 'two.jpg', body: JPEG },
      ],
      'Заказы товаров',
    );
    expect(res.status).toBe(303);
    id = idFrom(res.headers.location as string);
    const row = await requestRow(id);
    number = row.number;
    expect(number).toMatch(/^SR-2026-\d{5}$/);
    expect(new Date(row.register_due_at).toISOString()).toBe(astana('2026-11-30T10:30').toISOString());

    const page = await asR01.get(`/support/${id}`).expect(200);
    expect(page.text).toContain(`Обращение № ${number}`);
    expect(page.text).toContain('Поступило');
    expect(page.text).toContain('Регистрация до 30.11.2026 10:30');
    expect(page.text).toContain(`Ваше обращение № ${number} о техническом сбое принято 27.11.2026 17:00`);
    expect((await smsTo(r01Phone)).at(-1)).toContain(`№ ${number}`);
  });

  it('keeps its screenshots for the participant and the contact centre only, as downloads', async () => {
    const page = await asR01.get(`/support/${id}`).expect(200);
    const links = [...page.text.matchAll(/href="(\/support\/\d+\/files\/\d+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    const res = await asR01.get(links[0]!).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    await asAdmin.get(links[1]!).expect(200);
    await asR02.get(links[0]!).expect(404);
    await asR02.get(`/support/${id}`).expect(404);
    // stored in the database (the file store), never under public/
    const stored = (await ctx.db('support_attachments').where({ request_id: id })) as { file_name: string }[];
    for (const s of stored)
      expect(await ctx.db('stored_files').where({ name: s.file_name }).first()).toBeTruthy();
  });

  it('lists overdue requests first, then by the nearest deadline', async () => {
    // another participant's request from Thursday morning: its three hours ran out on Thursday
    ctx.clock.set(astana('2026-11-26T10:00'));
    const res = await file(asR02, 'Не открывается раздел «Помощь для вас».');
    const late = await requestRow(idFrom(res.headers.location as string));
    ctx.clock.set(astana('2026-11-27T17:30'));

    const queue = await asOperator.get('/admin/support').expect(200);
    const rows = tableRows(queue.text, 'support-queue');
    const lateRow = rows.findIndex((r) => r.includes(late.number));
    const mineRow = rows.findIndex((r) => r.includes(number));
    expect(lateRow).toBeGreaterThanOrEqual(0);
    expect(lateRow).toBeLessThan(mineRow);
    expect(rows[lateRow]).toContain('просрочено');
    expect(rows[mineRow]).not.toContain('просрочено');
    expect(rows[mineRow]).toContain('Регистрация до 30.11.2026 10:30');
    // every overdue row comes before every row still in time
    const firstInTime = rows.findIndex((r) => !r.includes('просрочено'));
    expect(rows.slice(firstInTime).some((r) => r.includes('просрочено'))).toBe(false);
  });

  it('is registered on Monday morning in time; analysis is then due within one working day', async () => {
    ctx.clock.set(astana('2026-11-30T09:45'));
    const res = await act(asOperator, id, 'register');
    expect(res.status).toBe(303);
    const row = await requestRow(id);
    expect(row.status).toBe('registered');
    expect(new Date(row.analyse_due_at).toISOString()).toBe(astana('2026-12-01T09:45').toISOString());
    const sms = await smsTo(r01Phone);
    expect(sms.at(-1)).toBe(
      `Обращение № ${number} зарегистрировано 30.11.2026 09:45. Анализ будет проведён до 01.12.2026 09:45.`,
    );
  });

  it('refuses a step taken on a stale page (two operators at once) with 409', async () => {
    const page = await asAdmin.get(`/admin/support/${id}`).expect(200);
    const res = await asAdmin
      .post(`/admin/support/${id}/confirm`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), version: '1' });
    expect(res.status).toBe(409);
    expect((await requestRow(id)).status).toBe('registered');
  });

  it('refuses a refutation without an explanation for the participant', async () => {
    const res = await act(asOperator, id, 'refute', { comment: '  ' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Напишите пояснение для участника');
    expect(res.text).toContain('href="#refute-comment"');
  });

  it('is confirmed late on Tuesday: the analysis step is marked as overdue, escalation is due in three working hours', async () => {
    ctx.clock.set(astana('2026-12-01T10:30'));
    expect((await act(asOperator, id, 'confirm', { comment: 'Сбой воспроизведён.' })).status).toBe(303);
    const row = await requestRow(id);
    expect(row.status).toBe('confirmed');
    expect(new Date(row.escalate_due_at).toISOString()).toBe(astana('2026-12-01T13:30').toISOString());
    expect(new Date(row.outcome_notified_at).toISOString()).toBe(astana('2026-12-01T10:30').toISOString());
    const page = await asOperator.get(`/admin/support/${id}`).expect(200);
    const deadlines = tableRows(page.text, 'deadlines');
    expect(deadlines.find((r) => r.startsWith('Анализ'))).toContain('с нарушением срока');
    expect(deadlines.find((r) => r.startsWith('Регистрация'))).toContain('в срок');
    expect((await smsTo(r01Phone)).at(-1)).toContain('технический сбой подтверждён');
  });

  it('is escalated with a planned fix time that must be given and lie in the future', async () => {
    expect((await act(asOperator, id, 'escalate', { fix_expected_at: '' })).status).toBe(400);
    const past = await act(asOperator, id, 'escalate', { fix_expected_at: '2026-12-01T09:00' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('должно быть в будущем');

    ctx.clock.set(astana('2026-12-01T11:00'));
    expect((await act(asOperator, id, 'escalate', { fix_expected_at: '2026-12-02T12:00' })).status).toBe(303);
    const row = await requestRow(id);
    expect(row.status).toBe('escalated');
    expect(new Date(row.fix_expected_at).toISOString()).toBe(astana('2026-12-02T12:00').toISOString());
    expect((await smsTo(r01Phone)).at(-1)).toContain('Плановое время устранения: 02.12.2026 12:00');
  });

  it('is fixed by the administrator only: an operator is not offered the step and is refused it', async () => {
    const page = await asOperator.get(`/admin/support/${id}`).expect(200);
    expect(page.text).not.toContain(`action="/admin/support/${id}/fix"`);
    expect((await act(asOperator, id, 'fix')).status).toBe(403);

    ctx.clock.set(astana('2026-12-02T11:20'));
    const adminPage = await asAdmin.get(`/admin/support/${id}`).expect(200);
    expect(adminPage.text).toContain(`action="/admin/support/${id}/fix"`);
    expect((await act(asAdmin, id, 'fix', { comment: 'Работы завершены.' })).status).toBe(303);
    const row = await requestRow(id);
    expect(row.status).toBe('fixed');
    expect(row.closed_at).not.toBeNull();
    expect(row.due_at).toBeNull();
    expect((await smsTo(r01Phone)).at(-1)).toBe(
      `По обращению № ${number} технический сбой устранён 02.12.2026 11:20. Работы завершены.`,
    );
  });

  it('shows the participant the status and every notice', async () => {
    const page = await asR01.get(`/support/${id}`).expect(200);
    expect(page.text).toContain('Сбой устранён');
    const notices = tableRows(page.text, 'notices');
    expect(notices).toHaveLength(5);
    expect(notices[0]).toContain('Поступило');
    expect(notices[4]).toContain('технический сбой устранён');
    const list = await asR01.get('/support').expect(200);
    expect(tableRows(list.text, 'my-requests').find((r) => r.includes(number))).toContain(
      'Закрыто 02.12.2026 11:20',
    );
  });

  it('records every step in the audit log', async () => {
    const actions = (
      (await ctx
        .db('audit_log')
        .where({ object_type: 'support_request', object_id: String(id) })
        .orderBy('id')) as {
        action: string;
      }[]
    ).map((a) => a.action);
    expect(actions).toEqual([
      'support.filed',
      'support.register',
      'support.confirm',
      'support.escalate',
      'support.fix',
    ]);
  });
});

describe('a refuted failure', () => {
  it('closes with the explanation sent to the participant', async () => {
    ctx.clock.set(astana('2026-12-02T14:00'));
    const res = await file(asR02, 'Не приходит SMS с кодом подтверждения.');
    const id = idFrom(res.headers.location as string);
    expect((await act(asOperator, id, 'register')).status).toBe(303);
    expect(
      (await act(asOperator, id, 'refute', { comment: 'SMS доставлено оператором связи в 14:02.' })).status,
    ).toBe(303);
    const row = await requestRow(id);
    expect(row.status).toBe('refuted');
    expect(row.outcome).toBe('refuted');
    expect((await smsTo(r02Phone)).at(-1)).toContain(
      'технический сбой не подтверждён. SMS доставлено оператором связи в 14:02.',
    );
    const page = await asR02.get(`/support/${id}`).expect(200);
    expect(page.text).toContain('Сбой не подтверждён');
  });
});

describe('holidays administrators add', () => {
  it('move the deadlines of requests filed after them', async () => {
    const settings = await asAdmin.get('/admin/settings').expect(200);
    await asAdmin
      .post('/admin/settings/holidays')
      .type('form')
      .send({ _csrf: csrfFrom(settings.text), day: '2026-12-07', name: 'Тестовый выходной' })
      .expect(303);
    ctx.clock.set(astana('2026-12-04T17:00')); // Friday; Monday 7 December is now a holiday
    const res = await file(asR01, 'Снова ошибка при подписании заказа.');
    const row = await requestRow(idFrom(res.headers.location as string));
    expect(new Date(row.register_due_at).toISOString()).toBe(astana('2026-12-08T10:30').toISOString());
  });

  it('refuse the same day twice', async () => {
    const settings = await asAdmin.get('/admin/settings').expect(200);
    expect(settings.text).toContain('Тестовый выходной');
    await asAdmin
      .post('/admin/settings/holidays')
      .type('form')
      .send({ _csrf: csrfFrom(settings.text), day: '2026-12-07', name: '' })
      .expect(409);
  });
});
