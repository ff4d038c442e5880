import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, submitSigned } from '../../support/http.js';
import { buildServices } from '../../../src/modules/index.js';
import { createApp } from '../../../src/app.js';
import { createLogger } from '../../../src/logger.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

async function signCheck(personKey: string) {
  const agent = await loginAs(ctx, personKey);
  const page = await agent.get('/eds/check').expect(200);
  const res = await submitSigned(ctx, agent, page.text, personKey);
  expect(res.status).toBe(303);
  return { agent, id: Number(String(res.headers.location).split('/').pop()) };
}

describe('signed documents as evidence', () => {
  it('keeps the signed XML verbatim and shows it to its owner with the certificate details', async () => {
    const { agent, id } = await signCheck('r01');
    const page = await agent.get(`/documents/${id}`).expect(200);
    expect(page.text).toContain('Подпись проверена');
    expect(page.text).toContain('ТЕСТОВ ТЕСТ');
    expect(page.text).toContain('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV');
    const xml = await agent.get(`/documents/${id}/xml`).expect(200);
    expect(xml.headers['content-disposition']).toMatch(/attachment/);
    const stored = await ctx.db('signed_documents').where({ id }).first();
    expect(xml.text).toBe(stored.signed_xml);
    const list = await agent.get('/documents').expect(200);
    expect(list.text).toContain(`/documents/${id}`);
  });

  it('answers 404 to another person, and lets an administrator re-verify it now', async () => {
    const { id } = await signCheck('r02');
    const other = await loginAs(ctx, 'r03');
    await other.get(`/documents/${id}`).expect(404);
    await other.get(`/documents/${id}/xml`).expect(404);
    const admin = await loginAs(ctx, 'a01');
    const page = await admin.get(`/documents/${id}`).expect(200);
    const res = await admin
      .post(`/documents/${id}/reverify`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(res.headers.location).toBe(`/documents/${id}`);
    const after = await admin.get(`/documents/${id}`);
    expect(after.text).toContain('Подпись проверена повторно: действительна');
    const rows = await ctx.db('reverifications').where({ signed_document_id: id });
    expect(rows).toHaveLength(1);
    expect(rows[0].ok).toBe(true);
  });

  it('refuses a signed form that was changed after signing, and a second use of the same request', async () => {
    const agent = await loginAs(ctx, 'r04');
    const page = await agent.get('/eds/check').expect(200);
    const before = Number((await ctx.db('signed_documents').count<{ c: number }[]>('* as c'))[0]!.c);
    const tampered = await submitSigned(ctx, agent, page.text, 'r04', {
      mutate: (xml) => xml.replace('Проверка работы ключа', 'Согласие на всё'),
    });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain('изменён после подписания');
    const ok = await submitSigned(ctx, agent, page.text, 'r04');
    expect(ok.status).toBe(303);
    const replay = await submitSigned(ctx, agent, page.text, 'r04');
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('уже подписан и использован');
    // someone else's key on my request
    const page2 = await agent.get('/eds/check');
    const foreign = await submitSigned(ctx, agent, page2.text, 'r05');
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('принадлежит другому человеку');
    const after = Number((await ctx.db('signed_documents').count<{ c: number }[]>('* as c'))[0]!.c);
    expect(after).toBe(before + 1);
  });
});

describe('the dev stand', () => {
  it('lists the seeded people and their key files on the start page', async () => {
    const res = await request(ctx.app).get('/').expect(200);
    expect(res.text).toContain('ТЕСТОВ ТЕСТ');
    expect(res.text).toMatch(/href="\/dev\/keys\/[^"]+\.p12"/);
    const href = /href="(\/dev\/keys\/[^"]+AUTH[^"]+\.p12)"/.exec(res.text)![1]!;
    const key = await request(ctx.app).get(href).expect(200);
    expect(key.headers['content-disposition']).toMatch(/attachment/);
    await request(ctx.app).get('/dev/keys/../pki/ca.pem').expect(404);
  });

  it('shows the SMS page only outside production', async () => {
    await request(ctx.app).get('/dev/sms').expect(200);
    const prod = productionConfig(ctx);
    const app = createApp(buildServices(prod, ctx.db, createLogger('silent'), { trust: ctx.services.trust }));
    await request(app).get('/dev/sms').expect(404);
    const home = await request(app).get('/').expect(200);
    expect(home.text).not.toContain('/dev/keys/');
    await (app.locals.sessionPool as { end: () => Promise<void> }).end();
  });

  it('refuses to start production without real state-system adapters, naming them', () => {
    const prod = productionConfig(ctx, [
      'PERSON_REGISTRY_URL',
      'MOBILE_BASE_URL',
      'SMS_GATEWAY_URL',
      'ESOBES_URL',
    ]);
    expect(() => buildServices(prod, ctx.db, createLogger('silent'), { trust: ctx.services.trust })).toThrow(
      /PERSON_REGISTRY_URL, MOBILE_BASE_URL, SMS_GATEWAY_URL, ESOBES_URL/,
    );
  });
});
