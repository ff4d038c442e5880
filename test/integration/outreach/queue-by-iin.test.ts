import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, decodeEntities, personIdOf } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { QUEUE_CHECK_LIMIT } from '../../../src/routes/msu/open-data.js';
import { makeIin } from '../../../src/lib/iin.js';
import { orderOf } from '../msu/helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

/** A visitor's check by ИИН (its own session, so each test has its own page and token). */
async function check(iin: string) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/queue-check').expect(200);
  return agent
    .post('/queue-check/iin')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), iin });
}

describe('«Проверить очередь» by ИИН (seed 004)', () => {
  it('the page offers the check by the ИИН of the recipient or the applicant', async () => {
    const page = decodeEntities((await request(ctx.app).get('/queue-check').expect(200)).text);
    expect(page).toContain('Проверить очередь по ИИН');
    expect(page).toContain('action="/queue-check/iin"');
  });

  it('answers only the position, the department and masked initials', async () => {
    const r05 = personByKey('r05');
    const order = (await orderOf(ctx, await personIdOf(ctx, 'r05')))!;
    const res = await check(r05.iin);
    expect(res.status).toBe(200);
    const html = decodeEntities(res.text);
    const table = /<table class="govuk-table" id="iin-entries">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(table).toContain('2 из 3');
    expect(table).toContain('Отделение милосердия');
    expect(table).toContain(
      `${r05.surname.charAt(0)}*** ${r05.name.charAt(0)}. ${r05.patronymic!.charAt(0)}.`,
    );
    // nothing else about the person or the order
    expect(html).not.toContain(r05.surname);
    expect(html).not.toContain(order.number);
    expect(table).not.toMatch(/\d{12}/);
  });

  it('lists each queue place of the applicant (a guardian who filed for a ward), one row each', async () => {
    // g01 filed r14's and r03's orders for them (the applicant of each order is who created it)
    const g01 = await personIdOf(ctx, 'g01');
    for (const key of ['r14', 'r03']) {
      const o = (await orderOf(ctx, await personIdOf(ctx, key)))!;
      await ctx.db('orders').where({ id: o.id }).update({ created_by: g01 });
    }
    const html = decodeEntities((await check(personByKey('g01').iin)).text);
    const rows = html.match(/data-position="(\d+)"/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(html).toContain(`${personByKey('r14').surname.charAt(0)}***`);
    expect(html).not.toContain(personByKey('r14').surname);
  });

  it('an ИИН with nobody in a queue gets a neutral answer; a malformed one a message', async () => {
    const nobody = await check(makeIin('1990-01-01', 'M', 9999));
    expect(nobody.status).toBe(200);
    expect(decodeEntities(nobody.text)).toContain('В очереди по этому ИИН никого нет.');
    const bad = await check('12345');
    expect(bad.status).toBe(400);
    expect(decodeEntities(bad.text)).toContain('Введите ИИН из 12 цифр, как в удостоверении личности');
    const empty = await check('');
    expect(empty.status).toBe(400);
    expect(decodeEntities(empty.text)).toContain('Введите ИИН');
    const checkDigit =
      personByKey('r05').iin.slice(0, 11) + String((Number(personByKey('r05').iin[11]) + 1) % 10);
    expect((await check(checkDigit)).status).toBe(400);
  });

  it(`is rate-limited together with the check by number (${QUEUE_CHECK_LIMIT} per window per address)`, async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/queue-check').expect(200);
    const token = csrfFrom(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < QUEUE_CHECK_LIMIT + 2; i++) {
      const r = await agent
        .post(i % 2 ? '/queue-check/iin' : '/queue-check')
        .type('form')
        .send(
          i % 2
            ? { _csrf: token, iin: personByKey('r05').iin }
            : {
                _csrf: token,
                number: '2026-0000001',
                'birth-day': '01',
                'birth-month': '01',
                'birth-year': '1990',
              },
        );
      statuses.push(r.status);
    }
    // the checks above came from the same address and count too: past the limit, every check is refused
    const first = statuses.indexOf(429);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(QUEUE_CHECK_LIMIT);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
    expect(statuses.slice(0, first).every((s) => s === 200)).toBe(true);
    const last = await agent
      .post('/queue-check/iin')
      .type('form')
      .send({ _csrf: token, iin: personByKey('r05').iin });
    expect(last.status).toBe(429);
    expect(last.text).not.toContain('2 из 3');
  });
});
