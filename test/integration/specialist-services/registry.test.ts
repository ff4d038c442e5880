import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, postForm, submitSigned } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { addEntry, orderInProgress } from './helpers.js';

describe('specialists registry, administrator decisions, hours report', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('seeds all nine demo specialists (three work for organisations) and the pending exclusion of s03', async () => {
    const rows = await ctx.db('specialists');
    expect(rows).toHaveLength(9);
    const ofOrganisations = await ctx
      .db('person_roles')
      .where({ role: 'specialist' })
      .whereNotNull('organisation_id');
    expect(ofOrganisations).toHaveLength(3);
    const s03 = await personIdOf(ctx, 's03');
    const pending = await ctx
      .db('specialist_applications')
      .where({ person_id: s03, type: 'exclusion', status: 'pending' });
    expect(pending).toHaveLength(1);
  });

  it('takes a signed exclusion application; the approved exclusion removes the specialist from the list recipients see', async () => {
    const s01 = await loginAs(ctx, 's01');
    const page = await s01.get('/specialist/registry').expect(200);
    expect(page.text).toContain('Услуга специалиста жестового языка');
    const sign = await postForm(s01, page.text, '/specialist/registry/applications', {
      type: 'exclusion',
      kind: 'UZHYA',
      region: '',
      locality: '',
      reason: 'Ухожу на пенсию',
    });
    expect(sign.status).toBe(200);
    expect((await submitSigned(ctx, s01, sign.text, 's01')).status).toBe(303);
    // a second one is refused while the first is pending
    const again = await postForm(s01, page.text, '/specialist/registry/applications', {
      type: 'exclusion',
      kind: 'UZHYA',
      reason: 'Ещё раз',
    });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Такое заявление уже подано');

    const a01 = await loginAs(ctx, 'a01');
    const admin = await a01.get('/admin/specialists').expect(200);
    expect(admin.text).toContain('Реестр специалистов');
    expect(admin.text).toContain('САПАРОВА');
    expect(admin.text).toContain('Ухожу на пенсию');
    const app = (await ctx.db('specialist_applications').where({ reason: 'Ухожу на пенсию' }).first()) as {
      id: number;
      signed_document_id: number;
    };
    expect(app.signed_document_id).toBeTruthy();
    await a01
      .post(`/admin/specialists/applications/${app.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(admin.text), decision: 'approve', comment: '' })
      .expect(303);
    const entry = (await ctx
      .db('specialists')
      .where({ person_id: await personIdOf(ctx, 's01'), kind: 'UZHYA' })
      .first()) as { status: string };
    expect(entry.status).toBe('excluded');
    const r02 = await loginAs(ctx, 'r02');
    const list = await r02.get('/services/uzhya/specialists').expect(200);
    expect(list.text).not.toContain('БАЙМУХАМЕДОВА');
    expect(list.text).toContain('ГРИГОРЬЕВ');
    // a decided application cannot be decided again
    await a01
      .post(`/admin/specialists/applications/${app.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(admin.text), decision: 'reject' })
      .expect(409);
  });

  it('includes a specialist for another service after the administrator approves, in the locality applied for', async () => {
    const s01 = await loginAs(ctx, 's01');
    const page = await s01.get('/specialist/registry').expect(200);
    const missing = await postForm(s01, page.text, '/specialist/registry/applications', {
      type: 'inclusion',
      kind: 'UIP',
      region: '',
      locality: '',
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Укажите населенный пункт');
    const sign = await postForm(s01, page.text, '/specialist/registry/applications', {
      type: 'inclusion',
      kind: 'UIP',
      region: 'г. Астана',
      locality: 'г. Астана',
      reason: '',
    });
    expect((await submitSigned(ctx, s01, sign.text, 's01')).status).toBe(303);
    const a01 = await loginAs(ctx, 'a01');
    const admin = await a01.get('/admin/specialists').expect(200);
    const app = (await ctx
      .db('specialist_applications')
      .where({ type: 'inclusion', kind: 'UIP' })
      .first()) as { id: number };
    await a01
      .post(`/admin/specialists/applications/${app.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(admin.text), decision: 'approve' })
      .expect(303);
    const r04 = await loginAs(ctx, 'r04');
    const list = await r04.get('/services/uip/specialists').expect(200);
    expect(list.text).toContain('БАЙМУХАМЕДОВА');
  });

  it('is for administrators only', async () => {
    const s02 = await loginAs(ctx, 's02');
    await s02.get('/admin/specialists').expect(403);
  });

  it('reports hours by month, help type and specialist', async () => {
    ctx.clock.set(new Date());
    const today = astanaDate(ctx.clock.now());
    const a = await orderInProgress(ctx, 'r08', 's02', 'UZHYA');
    const b = await orderInProgress(ctx, 'r11', 's05', 'UIP');
    await addEntry(ctx, 's02', a, { day: today, hours: 3, format: 'in_person' });
    await addEntry(ctx, 's05', b, { day: today, hours: 2, objectsKk: 'Емхана', objectsRu: 'Поликлиника' });
    const rows = await ctx.services.specialistServices.reports.hoursByMonth(
      today.slice(0, 7),
      today.slice(0, 7),
    );
    expect(rows).toEqual([
      { month: today.slice(0, 7), helpType: 'UIP', specialist: 'ОРЛОВА НАТАЛЬЯ СЕРГЕЕВНА', hours: 2 },
      {
        month: today.slice(0, 7),
        helpType: 'UZHYA',
        specialist: 'ГРИГОРЬЕВ ДМИТРИЙ АЛЕКСАНДРОВИЧ',
        hours: 3,
      },
    ]);
    expect(await ctx.services.specialistServices.reports.hoursByMonth('2020-01', '2020-12')).toEqual([]);
  });
});
