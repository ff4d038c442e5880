import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { submitSigned } from '../../support/http.js';
import { textOf } from '../goods/helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

/** The welcome letter of a person's first login (the real AUTH login). */
async function welcomeOf(personKey: string, lang = 'ru'): Promise<string> {
  const agent = request.agent(ctx.app);
  await agent.get(`/?lang=${lang}`);
  const page = await agent.get('/login').expect(200);
  const res = await submitSigned(ctx, agent, page.text, personKey);
  expect(res.headers.location).toBe('/welcome');
  return textOf((await agent.get('/welcome').expect(200)).text);
}

describe('the welcome letter speaks to each role about what that role has', () => {
  it('a recipient: «Помощь для вас», the order lists, signing with «RSA»; nothing of the staff cabinets', async () => {
    const w = await welcomeOf('r01');
    expect(w).toContain('Добро пожаловать на Портал социальных услуг');
    expect(w).toContain('«Помощь для вас»');
    expect(w).toContain('«Заказанные услуги» и «Заказы товаров»');
    expect(w).toContain('Каждый заказ и каждый отказ подписывается');
    for (const other of ['Кабинет специалиста', 'Кабинет поставщика', 'Администрирование', 'опекун'])
      expect(w).not.toContain(other);
  });

  it('a guardian: whom to act for', async () => {
    const w = await welcomeOf('g01');
    expect(w).toContain('Вы опекун (попечитель)');
    expect(w).toContain('от имени подопечного');
    expect(w).not.toContain('«Заказанные услуги» и «Заказы товаров»');
  });

  it('a specialist: orders, journal and acts', async () => {
    const w = await welcomeOf('s01');
    expect(w).toContain('«Кабинет специалиста – Заказы услуг»');
    expect(w).toContain('«Журнал учета оказания услуг»');
    expect(w).not.toContain('«Помощь для вас»');
    expect(w).toContain('Каждое подтверждение, отказ и акт подписывается');
  });

  it("a supplier's employee: the supplier's cabinet", async () => {
    const w = await welcomeOf('e07');
    expect(w).toContain('«Кабинет поставщика»');
    expect(w).not.toContain('«Помощь для вас»');
    expect(w).not.toContain('Кабинет специалиста');
  });

  it('the administrator who also works the contact-centre desk: both', async () => {
    const w = await welcomeOf('a01');
    expect(w).toContain('содержание портала');
    expect(w).toContain('обращения участников в контакт-центр и чат');
    expect(w).not.toContain('«Помощь для вас»');
  });

  it('in Kazakh and English as well', async () => {
    expect(await welcomeOf('s02', 'en')).toContain('"Specialist\'s cabinet – Service orders"');
    expect(await welcomeOf('e08', 'kk')).toContain('«Жеткізуші кабинетінде»');
  });
});

describe('the МСУ refusal form signs with «Подписать»', () => {
  it('cancelling the queue: the reason page and the sign page both read «Подписать»', async () => {
    const { loginAs, personIdOf, csrfFrom } = await import('../../support/http.js');
    const r05 = await personIdOf(ctx, 'r05');
    const order = (await ctx
      .db('orders')
      .where({ recipient_id: r05, kind: 'msu', status: 'queued' })
      .first()) as {
      id: number;
    };
    const agent = await loginAs(ctx, 'r05');
    const reason = await agent.get(`/msu/orders/${order.id}/cancel-queue`).expect(200);
    expect(reason.text).toMatch(/<button type="submit" class="govuk-button"[^>]*>Подписать<\/button>/);
    const sign = await agent
      .post(`/msu/orders/${order.id}/cancel-queue`)
      .type('form')
      .send({ _csrf: csrfFrom(reason.text), reason: 'Нашли место ближе к дому' })
      .expect(200);
    expect(textOf(sign.text)).toContain('Подписать');
  });
});
