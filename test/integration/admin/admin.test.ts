import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';
import { PEOPLE } from '../../../src/devstand/people.js';
import { maskIin } from '../../../src/lib/iin.js';
import { tableRows } from './fixtures.js';

let ctx: TestContext;
let asAdmin: Agent;
let adminId: number;
let r03: number;

const iinOf = (key: string) => PEOPLE.find((p) => p.key === key)!.iin;

async function post(agent: Agent, pageUrl: string, action: string, fields: Record<string, string> = {}) {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

beforeAll(async () => {
  ctx = await createTestContext();
  asAdmin = await loginAs(ctx, 'a01');
  adminId = await personIdOf(ctx, 'a01');
  r03 = await personIdOf(ctx, 'r03');
});
afterAll(async () => {
  await ctx?.close();
});

describe('users and roles', () => {
  it('finds people by the start of the IIN and shows the IIN masked in the list, in full on the card', async () => {
    const iin = iinOf('r03');
    const list = await asAdmin.get(`/admin/users?q=${iin.slice(0, 8)}`).expect(200);
    const rows = tableRows(list.text, 'users-table');
    expect(rows.some((r) => r.includes('ИВАНОВ ПЕТР'))).toBe(true);
    expect(list.text).toContain(maskIin(iin));
    expect(list.text).not.toContain(iin);
    const card = await asAdmin.get(`/admin/users/${r03}`).expect(200);
    expect(card.text).toContain(`<dd class="govuk-summary-list__value" id="person-iin">${iin}</dd>`);
  });

  it('finds people by a part of the name, whatever the case', async () => {
    const list = await asAdmin.get('/admin/users?q=' + encodeURIComponent('смагул')).expect(200);
    expect(tableRows(list.text, 'users-table')).toHaveLength(1);
    expect(list.text).toContain('СМАГУЛОВА');
  });

  it('grants a role, audits it, and refuses the same role twice', async () => {
    const res = await post(asAdmin, `/admin/users/${r03}`, `/admin/users/${r03}/roles`, {
      role: 'operator',
      organisationId: '',
    });
    expect(res.status).toBe(303);
    expect(await ctx.db('person_roles').where({ person_id: r03, role: 'operator' })).toHaveLength(1);
    const a = await ctx
      .db('audit_log')
      .where({ action: 'role.granted', object_id: String(r03) })
      .first();
    expect(a.actor_id).toBe(adminId);
    expect(a.details).toMatchObject({ role: 'operator' });
    const again = await post(asAdmin, `/admin/users/${r03}`, `/admin/users/${r03}/roles`, {
      role: 'operator',
    });
    expect(again.status).toBe(409);
  });

  it('asks for the organisation of an employee', async () => {
    const res = await post(asAdmin, `/admin/users/${r03}`, `/admin/users/${r03}/roles`, {
      role: 'employee',
      organisationId: '',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#organisationId"');
    const org = (await ctx.db('organisations').first('id')) as { id: number };
    const ok = await post(asAdmin, `/admin/users/${r03}`, `/admin/users/${r03}/roles`, {
      role: 'employee',
      organisationId: String(org.id),
    });
    expect(ok.status).toBe(303);
    const card = await asAdmin.get(`/admin/users/${r03}`).expect(200);
    expect(tableRows(card.text, 'grants-table').some((r) => r.startsWith('сотрудник организации'))).toBe(
      true,
    );
  });

  it('revoking a role ends the person’s sessions at once', async () => {
    const asR03 = await loginAs(ctx, 'r03');
    await asR03.get('/admin/support').expect(200);
    const grant = (await ctx.db('person_roles').where({ person_id: r03, role: 'operator' }).first('id')) as {
      id: number;
    };
    const res = await post(asAdmin, `/admin/users/${r03}`, `/admin/users/${r03}/roles/${grant.id}/revoke`);
    expect(res.status).toBe(303);
    expect(await ctx.db('person_roles').where({ id: grant.id })).toHaveLength(0);
    const after = await asR03.get('/admin/support');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
    expect(await ctx.db('audit_log').where({ action: 'role.revoked', object_id: String(r03) })).toHaveLength(
      1,
    );
  });

  it('does not let an administrator take away their own administrator role, nor a role from the registries', async () => {
    const own = (await ctx.db('person_roles').where({ person_id: adminId, role: 'admin' }).first('id')) as {
      id: number;
    };
    const card = await asAdmin.get(`/admin/users/${adminId}`).expect(200);
    expect(card.text).not.toContain(`/roles/${own.id}/revoke`);
    const res = await post(
      asAdmin,
      `/admin/users/${adminId}`,
      `/admin/users/${adminId}/roles/${own.id}/revoke`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Свою роль администратора снять нельзя.');
    const recipient = (await ctx
      .db('person_roles')
      .where({ person_id: r03, role: 'recipient' })
      .first('id')) as { id: number };
    const res2 = await post(
      asAdmin,
      `/admin/users/${r03}`,
      `/admin/users/${r03}/roles/${recipient.id}/revoke`,
    );
    expect(res2.status).toBe(400);
  });
});

describe('the audit log', () => {
  it('lists role changes with who made them and filters by action', async () => {
    const page = await asAdmin.get('/admin/audit?action=role.').expect(200);
    const rows = tableRows(page.text, 'audit-table');
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.includes('role.'))).toBe(true);
    expect(rows[0]).toContain('АДМИНОВ АДМИН');
  });

  it('lists signed documents with a link to their evidence page', async () => {
    const page = await asAdmin.get(`/admin/audit?source=signature&actor=${iinOf('a01')}`).expect(200);
    const rows = tableRows(page.text, 'audit-table');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('signed.login'))).toBe(true);
    const doc = /href="\/documents\/(\d+)"/.exec(page.text)![1];
    const evidence = await asAdmin.get(`/documents/${doc}`).expect(200);
    expect(evidence.text).toContain('АДМИНОВ');
  });

  it('filters by date (Astana calendar)', async () => {
    const page = await asAdmin.get('/admin/audit?from=2099-01-01').expect(200);
    expect(page.text).toContain('Записей нет.');
  });

  it('exports the filtered log as CSV with a UTF-8 byte-order mark', async () => {
    const res = await asAdmin.get('/admin/audit.csv?action=role.').buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-log.csv"');
    const text = res.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Источник,Номер записи,Время (Астана),Кто,Действие,Тип объекта,Номер объекта,Подписанный документ,Подробности',
    );
    expect(lines.slice(1).every((l) => l.includes('role.'))).toBe(true);
  });
});

describe('reports', () => {
  beforeAll(async () => {
    const [r01, r02] = await Promise.all([personIdOf(ctx, 'r01'), personIdOf(ctx, 'r08')]);
    await ctx.db.transaction(async (tx) => {
      await ctx.services.orders.create(tx, {
        kind: 'goods',
        helpType: 'TSR_WHITE_CANE',
        recipientId: r01,
        createdBy: r01,
        status: 'created',
      });
      await ctx.services.orders.create(tx, {
        kind: 'goods',
        helpType: 'TSR_WHITE_CANE',
        recipientId: r02,
        createdBy: r02,
        status: 'created',
      });
      await ctx.services.orders.create(tx, {
        kind: 'service',
        helpType: 'UZHYA',
        recipientId: r02,
        createdBy: r02,
        status: 'created',
      });
    });
  });

  it('draws the orders as an accessible SVG chart with a data table', async () => {
    const page = await asAdmin.get('/admin/reports').expect(200);
    expect(page.text).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-orders-monthly-title chart-orders-monthly-desc"/,
    );
    expect(page.text).toContain('<title id="chart-orders-monthly-title">Заказы по месяцам</title>');
    // series told apart by pattern and named in the legend, not by colour alone
    expect(page.text).toContain('<pattern id="chart-orders-help-type-pat-hatch"');
    expect(page.text).toMatch(/<text[^>]*>Завершённые<\/text>/);
    const byType = tableRows(page.text, 'orders-help-type-table');
    const cane = byType.find((r) => r.startsWith('Трость тактильная'));
    expect(cane).toBe('Трость тактильная 2 0');
    expect(page.text).toMatch(/<caption[^>]*>Данные диаграммы: Заказы по месяцам<\/caption>/);
  });

  it('filters the orders by region and help type', async () => {
    const page = await asAdmin
      .get('/admin/reports?region=' + encodeURIComponent('г. Алматы') + '&helpType=UZHYA')
      .expect(200);
    expect(page.text).toContain('Всего заказов за период: 1');
  });

  it('exports orders as CSV with a BOM', async () => {
    const res = await asAdmin.get('/admin/reports/orders.csv').buffer(true).expect(200);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text).toContain('Трость тактильная');
  });

  it('shows IPR fulfilment per help type', async () => {
    const page = await asAdmin.get('/admin/reports').expect(200);
    const rows = tableRows(page.text, 'ipr-table');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    // the demo IPRs: 60 hours of УЖЯ for each recipient who has that measure
    const uzhya = PEOPLE.filter((p) => p.measures.includes('UZHYA')).length;
    expect(rows.find((r) => r.startsWith('Услуга специалиста жестового языка'))).toBe(
      `Услуга специалиста жестового языка ${uzhya} ${uzhya * 60} часов 0 часов 0`,
    );
    const csv = await asAdmin.get('/admin/reports/ipr.csv').buffer(true).expect(200);
    expect(csv.text.split('\r\n')[0]).toBe(
      '\uFEFFВид помощи,Единица,Мероприятий,Получателей,Назначено,Использовано,"Исполнено, %"',
    );
  });

  it('shows the МСУ queues from the МСУ module', async () => {
    const queues = await ctx.services.msu.reports.queueStats();
    const page = await asAdmin.get('/admin/reports').expect(200);
    if (queues.length > 0) expect(tableRows(page.text, 'queues-table')).toHaveLength(queues.length);
    else expect(page.text).toMatch(/id="queues"[\s\S]*?Нет данных\./);
  });

  it('charts the specialists’ hours per month by help type from the specialist module, with a CSV', async () => {
    const reports = ctx.services.specialistServices.reports;
    const original = reports.hoursByMonth;
    const asked: string[][] = [];
    reports.hoursByMonth = async (from: string, to: string) => {
      asked.push([from, to]);
      return [
        { month: '2026-10', helpType: 'UZHYA', specialist: 'БАЙМУХАМЕДОВА АЙНУР ТАЛГАТОВНА', hours: 21 },
        { month: '2026-10', helpType: 'UIP', specialist: 'МУСИН АРМАН ЕРЖАНОВИЧ', hours: 40 },
        { month: '2026-11', helpType: 'UZHYA', specialist: 'БАЙМУХАМЕДОВА АЙНУР ТАЛГАТОВНА', hours: 8 },
      ] as Awaited<ReturnType<typeof original>>;
    };
    try {
      const page = await asAdmin.get('/admin/reports?from=2026-10-01&to=2026-11-30').expect(200);
      expect(asked).toContainEqual(['2026-10-01', '2026-11-30']);
      expect(page.text).toContain('<title id="chart-hours-title">Часы специалистов по месяцам</title>');
      expect(page.text).toMatch(/<text[^>]*>УИП: 40 часов<\/text>/);
      expect(page.text).toMatch(/<text[^>]*>УЖЯ: 21 час<\/text>/);
      const rows = tableRows(page.text, 'hours-table');
      expect(rows).toEqual([
        '2026-10 УЖЯ БАЙМУХАМЕДОВА АЙНУР ТАЛГАТОВНА 21',
        '2026-10 УИП МУСИН АРМАН ЕРЖАНОВИЧ 40',
        '2026-11 УЖЯ БАЙМУХАМЕДОВА АЙНУР ТАЛГАТОВНА 8',
      ]);
      const csv = await asAdmin
        .get('/admin/reports/hours.csv?from=2026-10-01&to=2026-11-30')
        .buffer(true)
        .expect(200);
      expect(csv.text.split('\r\n').slice(0, 2)).toEqual([
        '\uFEFFМесяц,Вид помощи,Специалист,Часов',
        '2026-10,УЖЯ,БАЙМУХАМЕДОВА АЙНУР ТАЛГАТОВНА,21',
      ]);
    } finally {
      reports.hoursByMonth = original;
    }
  });
});

describe('the exchange monitor', () => {
  it('shows a failed message with its last error and sends it again on request', async () => {
    const [row] = (await ctx
      .db('outbox')
      .insert({
        system: 'sms',
        topic: 'test',
        idempotency_key: 'sms:admin-test-1',
        payload: JSON.stringify({ phone: '+77010000001', text: 'Проверка повторной отправки' }),
        state: 'failed',
        attempts: 8,
        last_error: 'HTTP 503 Service Unavailable',
      })
      .returning('id')) as { id: number }[];
    const page = await asAdmin.get('/admin/exchange?state=failed').expect(200);
    const rows = tableRows(page.text, 'outbox-table');
    expect(rows.find((r) => r.startsWith(String(row!.id)))).toMatch(
      /ошибка.*8 из 8.*HTTP 503 Service Unavailable/,
    );

    const res = await post(asAdmin, '/admin/exchange', `/admin/exchange/${row!.id}/retry`);
    expect(res.status).toBe(303);
    await ctx.services.outbox.deliverDue(200);
    expect((await ctx.db('outbox').where({ id: row!.id }).first()).state).toBe('delivered');
    const after = await asAdmin.get('/admin/exchange').expect(200);
    expect(tableRows(after.text, 'sms-inbox').some((r) => r.includes('Проверка повторной отправки'))).toBe(
      true,
    );
    expect(
      await ctx.db('audit_log').where({ action: 'outbox.retry', object_id: String(row!.id) }),
    ).toHaveLength(1);
  });

  it('answers 404 to retrying a message that does not exist or was delivered', async () => {
    const res = await post(asAdmin, '/admin/exchange', '/admin/exchange/999999/retry');
    expect(res.status).toBe(404);
  });
});

describe('the health page', () => {
  it('shows readiness and the certificate revocation lists', async () => {
    const page = await asAdmin.get('/admin/health').expect(200);
    const ready = tableRows(page.text, 'readiness');
    expect(ready[0]).toContain('в порядке');
    const crls = tableRows(page.text, 'crls');
    expect(crls.length).toBe(ctx.services.health.trustHealth().crls.length);
    expect(crls.length).toBeGreaterThan(0);
  });
});
