import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf, type Agent } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';

const DAY = 24 * 3600_000;
let ctx: TestContext;
let agent: Agent;
let other: Agent;
let r04: number;
let measureId: number;
const r04phone = personByKey('r04').phone;

async function smsTexts(phone: string): Promise<string[]> {
  const rows = (await ctx.db('outbox').where({ system: 'sms' }).orderBy('id')) as {
    payload: { phone: string; text: string };
  }[];
  return rows.filter((r) => r.payload.phone === phone).map((r) => r.payload.text);
}

/** Activation requests for one measure: written to the outbox, or received by the dev Е-Собес. */
async function activationsOf(measureExternalId: string, table: 'outbox' | 'dev_esobes_inbox') {
  return ctx
    .db(table)
    .where({ topic: 'supplier-choice-activation' })
    .whereRaw(`payload->>'measureExternalId' = ?`, [measureExternalId]);
}

function measureCard(html: string, id: number): string {
  const start = html.indexOf(`id="measure-${id}"`);
  if (start < 0) throw new Error(`measure ${id} is not on the page`);
  const end = html.indexOf('class="govuk-summary-card"', start + 10);
  return html.slice(start, end < 0 ? undefined : end);
}

beforeAll(async () => {
  ctx = await createTestContext();
  r04 = await personIdOf(ctx, 'r04');
  // a fresh notice today for the ТСР measure this test follows
  const now = new Date();
  ctx.clock.set(now);
  const m = (await ctx.db('ipr_measures').where({ person_id: r04, help_type: 'TSR_WHEELCHAIR' }).first()) as {
    id: number;
    external_id: string;
  };
  measureId = m.id;
  await ctx.db('ipr_measures').where({ id: measureId }).update({ notified_at: now });
  // log in before the clock moves on (the dev CRL is valid for 30 days)
  agent = await loginAs(ctx, 'r04');
  other = await loginAs(ctx, 'r05');
});
afterAll(async () => {
  await ctx?.close();
});

describe('the two-month supplier-choice window (rules, item 10)', () => {
  it('keeps choice open until two months have passed', async () => {
    ctx.clock.advance(58 * DAY);
    await ctx.services.entitlements.runWindowJob();
    expect(await ctx.db('ipr_measures').where({ id: measureId }).first()).toMatchObject({
      status: 'open',
      choice_blocked_at: null,
    });
  });

  it('after two months and a day the job blocks choice and sends the SMS', async () => {
    ctx.clock.advance(4 * DAY); // 62 days after the notice ≥ two months + 1 day
    const smsBefore = (await smsTexts(r04phone)).length;
    const { blocked } = await ctx.services.entitlements.runWindowJob();
    expect(blocked).toBeGreaterThan(0);
    const m = await ctx.db('ipr_measures').where({ id: measureId }).first();
    expect(m.status).toBe('choice_blocked');
    expect(m.choice_blocked_at).toEqual(ctx.clock.now());
    const texts = (await smsTexts(r04phone)).slice(smsBefore);
    expect(texts.some((t) => t.includes('Кресло-коляска комнатная') && t.includes('заблокирован'))).toBe(
      true,
    );
    // running it again blocks nothing more and sends nothing more
    const again = await ctx.services.entitlements.runWindowJob();
    expect(again.blocked).toBe(0);
    expect((await smsTexts(r04phone)).length).toBe(smsBefore + texts.length);
    await ctx.services.outbox.deliverDue(500);
    const delivered = await ctx.db('dev_sms').where({ phone: r04phone }).select('text');
    expect(delivered.some((r: { text: string }) => r.text.includes('Кресло-коляска комнатная'))).toBe(true);
  });

  it('ordering is refused while choice is blocked', async () => {
    await expect(
      ctx.db.transaction((tx) => ctx.services.entitlements.assertCanOrder(tx, r04, 'TSR_WHEELCHAIR')),
    ).rejects.toMatchObject({ code: 'entitlements:errors.choiceBlocked' });
  });

  it('«Помощь для вас» offers «Активировать выбор поставщика»; pressing it writes the request to Е-Собес and shows the measure as pending', async () => {
    const page = await agent.get('/help').expect(200);
    const card = measureCard(page.text, measureId);
    expect(card).toContain('Выбор поставщика заблокирован');
    expect(card).toContain(`action="/help/measures/${measureId}/activate"`);
    expect(card).toContain('Активировать выбор поставщика');
    expect(card).not.toContain('href="/goods/TSR_WHEELCHAIR"');

    const res = await agent
      .post(`/help/measures/${measureId}/activate`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(res.headers.location).toBe(`/help#measure-${measureId}`);
    const m = await ctx.db('ipr_measures').where({ id: measureId }).first();
    expect(m.status).toBe('activation_pending');
    const messages = await activationsOf(m.external_id, 'outbox');
    expect(messages).toHaveLength(1);
    expect(messages[0].payload).toMatchObject({
      measureExternalId: m.external_id,
      iin: personByKey('r04').iin,
      helpType: 'TSR_WHEELCHAIR',
    });

    // the «sent» message comes in a signed cookie (the session is not written for it), shows on the
    // next page only, and a cookie altered by hand shows nothing
    const cookie = String(res.headers['set-cookie'] ?? '');
    expect(cookie).toMatch(/portal\.flash=s%3A/);
    const after = await agent.get('/help').expect(200);
    expect(after.text).toContain('Запрос на активацию выбора поставщика отправлен в Е-Собес.');
    expect((await agent.get('/help').expect(200)).text).not.toContain('отправлен в Е-Собес.');
    const forged = encodeURIComponent(
      JSON.stringify([{ kind: 'success', key: 'entitlements:flash.activationRequested' }]),
    );
    const tampered = await agent.get('/help').set('cookie', `portal.flash=${forged}`).expect(200);
    expect(tampered.text).not.toContain('отправлен в Е-Собес.');
    const pendingCard = measureCard(after.text, measureId);
    expect(pendingCard).toContain('Ожидает активации в Е-Собес');
    expect(pendingCard).not.toContain('/activate');

    // pressing again (a second tab) changes nothing and sends nothing more
    await agent
      .post(`/help/measures/${measureId}/activate`)
      .type('form')
      .send({ _csrf: csrfFrom(after.text) })
      .expect(303);
    expect(await activationsOf(m.external_id, 'outbox')).toHaveLength(1);
    await ctx.services.outbox.deliverDue(500);
    expect(await activationsOf(m.external_id, 'dev_esobes_inbox')).toHaveLength(1);
  });

  it('another recipient cannot activate this measure (404)', async () => {
    const page = await other.get('/help').expect(200);
    await other
      .post(`/help/measures/${measureId}/activate`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
  });

  it('when Е-Собес sends the measure again, it re-opens with a new notice and a new two months', async () => {
    const m = await ctx.db('ipr_measures').where({ id: measureId }).first();
    const ipr = await ctx.db('iprs').where({ id: m.ipr_id }).first();
    const smsBefore = (await smsTexts(r04phone)).length;
    const res = await request(ctx.app)
      .post('/api/esobes/ipr')
      .set('Authorization', 'Bearer dev-esobes-token')
      .send({
        iprs: [
          {
            externalId: ipr.external_id,
            iin: personByKey('r04').iin,
            developedOn: ipr.developed_on,
            validUntil: ipr.valid_until,
            measures: [
              { externalId: m.external_id, helpType: m.help_type, volume: m.volume, deadline: m.deadline },
            ],
          },
        ],
      })
      .expect(200);
    expect(res.body.measures).toMatchObject({ reopened: 1, created: 0 });
    const reopened = await ctx.db('ipr_measures').where({ id: measureId }).first();
    expect(reopened).toMatchObject({ status: 'open', choice_blocked_at: null });
    expect(reopened.notified_at).toEqual(ctx.clock.now());
    expect((await smsTexts(r04phone)).slice(smsBefore).some((t) => t.includes('выберите поставщика'))).toBe(
      true,
    );
    const page = await agent.get('/help').expect(200);
    expect(measureCard(page.text, measureId)).toContain('href="/goods/TSR_WHEELCHAIR"');
    // and the new window is two months from now again
    await ctx.services.entitlements.runWindowJob();
    expect((await ctx.db('ipr_measures').where({ id: measureId }).first()).status).toBe('open');
  });
});
