import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, failedLogin, loginAs, submitSigned } from '../../support/http.js';
import { QUEUE_CHECK_LIMIT } from '../../../src/routes/msu/open-data.js';
import { CODES_PER_HOUR as PHONE_CODES_PER_HOUR } from '../../../src/modules/entitlements/rules.js';
import { CODES_PER_HOUR as HOUR_CODES_PER_HOUR } from '../../../src/modules/specialist-services/rules.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { orderInProgress } from '../specialist-services/helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date());
});
afterAll(async () => {
  await ctx?.close();
});

const outboxCount = async (where: (q: ReturnType<TestContext['db']>) => unknown) => {
  const q = ctx.db('outbox');
  where(q);
  return Number(((await q.count('* as n').first()) as { n: string }).n);
};

describe('«Проверить очередь»', () => {
  it(`allows ${QUEUE_CHECK_LIMIT} checks per client in the window, then 429`, async () => {
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/queue-check').expect(200)).text);
    const check = () =>
      agent.post('/queue-check').type('form').send({ _csrf: token, number: '1', birthDate: '1960-01-01' });
    for (let i = 0; i < QUEUE_CHECK_LIMIT; i++) expect((await check()).status).toBeLessThan(429);
    const blocked = await check();
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Слишком много проверок');
  });
});

describe('SMS codes', () => {
  it(`a new phone number: at most ${PHONE_CODES_PER_HOUR} codes an hour per person, no SMS past that`, async () => {
    const agent = await loginAs(ctx, 'r02');
    const token = csrfFrom((await agent.get('/cabinet/contacts/phone').expect(200)).text);
    const ask = (n: number) =>
      agent
        .post('/cabinet/contacts/phone')
        .type('form')
        .send({ _csrf: token, phone: `+7701000${String(n).padStart(4, '0')}` });
    const sms = () => outboxCount((q) => q.where('idempotency_key', 'like', 'sms:phone-code:%'));
    const before = await sms();
    for (let i = 0; i < PHONE_CODES_PER_HOUR; i++) expect((await ask(i)).status).toBe(303);
    const blocked = await ask(99);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Коды запрашивались слишком часто');
    expect(await sms()).toBe(before + PHONE_CODES_PER_HOUR);
  });

  it(`a journal entry: at most ${HOUR_CODES_PER_HOUR} codes an hour per order, then 429 and no SMS; an hour later again`, async () => {
    const orderId = await orderInProgress(ctx, 'r01', 's01', 'UZHYA');
    const s01 = await loginAs(ctx, 's01');
    const form = await s01.get(`/specialist/journal/new?order=${orderId}`).expect(200);
    const token = csrfFrom(form.text);
    const ask = () =>
      s01
        .post('/specialist/journal/new')
        .type('form')
        .send({
          _csrf: token,
          order: String(orderId),
          day: astanaDate(ctx.clock.now()),
          hours: '1',
          format: 'in_person',
        });
    const sms = () => outboxCount((q) => q.where('idempotency_key', 'like', 'sms:service-hours-code:%'));
    const before = await sms();
    for (let i = 0; i < HOUR_CODES_PER_HOUR; i++) {
      const res = await ask();
      expect(res.status, res.text.slice(0, 500)).toBe(303);
    }
    const blocked = await ask();
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain(`не более ${HOUR_CODES_PER_HOUR} раз в час`);
    expect(await sms()).toBe(before + HOUR_CODES_PER_HOUR);

    ctx.clock.set(new Date(ctx.clock.now().getTime() + 61 * 60_000));
    expect((await ask()).status).toBe(303);
  });
});

describe('login attempts', () => {
  it('are limited per client: past the limit even a right signature is refused (429) and no session starts', async () => {
    // a database of its own: the limit counts every login from this client
    const limited = await createTestContext({ LOGIN_RATE_LIMIT: '3' });
    try {
      await refusedPastTheLimit(limited);
    } finally {
      await limited.close();
    }
  });
});

async function refusedPastTheLimit(limited: TestContext): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await failedLogin(limited)).status).toBe(400);
  const agent = request.agent(limited.app);
  const page = await agent.get('/login').expect(200);
  const res = await submitSigned(limited, agent, page.text, 'r01');
  expect(res.status).toBe(429);
  expect(res.text).toContain('Слишком много попыток входа');
  await agent.get('/cabinet').expect(303);
}
