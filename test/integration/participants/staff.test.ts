import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, submitSigned, type Agent } from '../../support/http.js';
import { makeIin } from '../../../src/lib/iin.js';
import { personByKey } from '../../../src/devstand/people.js';
import { textOf } from '../goods/helpers.js';
import { orgId, tryLogin } from './helpers.js';

let ctx: TestContext;
let head: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  head = await loginAs(ctx, 'e01'); // staff administrator of the Astana МСУ
});
afterAll(async () => {
  await ctx?.close();
});

async function grantOf(key: string) {
  const personId = await personIdOf(ctx, key);
  return (await ctx.db('person_roles').where({ person_id: personId, role: 'employee' }).first()) as
    { id: number; status: string; org_admin: boolean; organisation_id: number } | undefined;
}

/** The staff page's button on a grant, then the document signed with e01's legal-entity key. */
async function change(grantId: number, action: 'suspend' | 'resume' | 'remove') {
  const page = await head.get('/organisation/staff').expect(200);
  const signPage = await head
    .post(`/organisation/staff/${grantId}/${action}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text) });
  expect(signPage.status, signPage.text.slice(0, 1500)).toBe(200);
  const res = await submitSigned(ctx, head, signPage.text, 'e01');
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
}

describe('«Сотрудники»: the organisation manages its staff', () => {
  it('refuses a person the organisation has not added, even with its BIN in the certificate', async () => {
    const res = await tryLogin(ctx, 'e09');
    expect(res.status).not.toBe(303);
    expect(await grantOf('e09')).toBeUndefined();
  });

  it('tells clearly that an IIN is unknown to the registry, and changes nothing', async () => {
    const page = await head.get('/organisation/staff').expect(200);
    expect(textOf(page.text)).toContain('Сотрудники');
    const before = await ctx.db('person_roles').count<{ n: string }[]>('* as n').first();
    const res = await head
      .post('/organisation/staff')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), iin: makeIin('1970-01-01', 'M', 9876), role: 'employee' });
    expect(res.status).toBe(400);
    expect(textOf(res.text)).toContain('не найден в государственном реестре физических лиц');
    const bad = await head
      .post('/organisation/staff')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), iin: '123', role: 'employee' });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('ИИН должен состоять из 12 цифр');
    expect(await ctx.db('person_roles').count<{ n: string }[]>('* as n').first()).toEqual(before);
  });

  it('adds an employee by IIN (signed with the legal-entity key): they log in and work in the cabinet', async () => {
    const page = await head.get('/organisation/staff').expect(200);
    const signPage = await head
      .post('/organisation/staff')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), iin: personByKey('e09').iin, role: 'employee' });
    expect(signPage.status, signPage.text.slice(0, 1500)).toBe(200);
    expect(textOf(signPage.text)).toContain('ОМАРОВА ДИНАРА КАЙРАТОВНА');
    // an individual key does not sign for the organisation
    const wrong = await submitSigned(ctx, head, signPage.text, 'r01');
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(await grantOf('e09')).toBeUndefined();
    const res = await submitSigned(ctx, head, signPage.text, 'e01');
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    const grant = await grantOf('e09');
    expect(grant).toMatchObject({
      status: 'active',
      org_admin: false,
      organisation_id: await orgId(ctx, 'msu-astana'),
    });
    const history = textOf((await head.get('/organisation/staff').expect(200)).text);
    expect(history).toContain('Добавлен');
    expect(history).toContain('ОМАРОВА ДИНАРА КАЙРАТОВНА');
    const signed = await ctx.db('staff_changes').where({ action: 'added' }).first('signed_document_id');
    expect(signed?.signed_document_id).toBeTruthy();

    const e09 = await loginAs(ctx, 'e09');
    await e09.get('/institution').expect(200);
  });

  it('does not let an employee who is not an administrator manage the staff', async () => {
    const e09 = await loginAs(ctx, 'e09');
    const res = await e09.get('/organisation/staff').expect(403);
    expect(textOf(res.text)).toContain('Управлять сотрудниками могут только руководитель');
    const cabinet = await e09.get('/institution').expect(200);
    const own = (await grantOf('e01'))!;
    await e09
      .post(`/organisation/staff/${own.id}/suspend`)
      .type('form')
      .send({ _csrf: csrfFrom(cabinet.text) })
      .expect(403);
    expect((await grantOf('e01'))!.status).toBe('active');
  });

  it("answers 404 to another organisation's administrator", async () => {
    const other = await loginAs(ctx, 'e05'); // administrator of a ТСР supplier
    const page = await other.get('/organisation/staff').expect(200);
    expect(textOf(page.text)).not.toContain('ОМАРОВА');
    const grant = (await grantOf('e09'))!;
    for (const action of ['suspend', 'remove']) {
      await other
        .post(`/organisation/staff/${grant.id}/${action}`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(404);
    }
    expect((await grantOf('e09'))!.status).toBe('active');
  });

  it('suspends an employee: their next request is refused and the session ends; resumed, they work again', async () => {
    const e09 = await loginAs(ctx, 'e09');
    await e09.get('/institution').expect(200);
    await change((await grantOf('e09'))!.id, 'suspend');
    const refused = await e09.get('/institution').expect(403);
    expect(textOf(refused.text)).toContain('доступ к кабинету организации приостановлен');
    // the session has ended: the next page asks to log in
    const after = await e09.get('/institution');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);

    await change((await grantOf('e09'))!.id, 'resume');
    const again = await loginAs(ctx, 'e09');
    await again.get('/institution').expect(200);
  });

  it("removes an employee: the removed employee's next request is refused, and they can no longer log in", async () => {
    const e09 = await loginAs(ctx, 'e09');
    await e09.get('/institution').expect(200);
    await change((await grantOf('e09'))!.id, 'remove');
    expect(await grantOf('e09')).toBeUndefined();
    const refused = await e09.get('/institution').expect(403);
    expect(textOf(refused.text)).toContain('больше не состоите в сотрудниках');
    expect((await tryLogin(ctx, 'e09')).status).not.toBe(303);
    const history = textOf((await head.get('/organisation/staff').expect(200)).text);
    for (const word of ['Добавлен', 'Приостановлен', 'Возобновлён', 'Удалён'])
      expect(history).toContain(word);
  });

  it('does not let an administrator change their own access', async () => {
    const page = await head.get('/organisation/staff').expect(200);
    const own = (await grantOf('e01'))!;
    const res = await head
      .post(`/organisation/staff/${own.id}/remove`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(409);
    expect((await grantOf('e01'))!.status).toBe('active');
  });
});
