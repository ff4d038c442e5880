import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, signAs, signFormFrom, csrfFrom, type Agent } from '../../support/http.js';
import { createSyntheticRecipients, type SyntheticPerson } from '../../support/msu-keys.js';
import { signXml } from '../../../src/eds/index.js';
import { AppError } from '../../../src/lib/errors.js';
import type { Actor } from '../../../src/lib/actor.js';
import { addPeriod, periodRow } from './helpers.js';
import { textOf } from '../goods/helpers.js';

/**
 * 200 distinct recipients, each with a real key and a sanatorium measure, sign their order for the
 * last 5 places of one period at the same moment. Two demo recipients go through the real pages; the
 * rest call the same service methods the routes call.
 */
const PLACES = 5;
const HTTP_PEOPLE = ['san-r1', 'san-r2'];
const SYNTHETIC = 200 - HTTP_PEOPLE.length;

let ctx: TestContext;
let people: SyntheticPerson[];
let periodId: number;
const agents = new Map<string, Agent>();

beforeAll(async () => {
  ctx = await createTestContext();
  // the period had 40 places; 35 are taken already
  periodId = await addPeriod(ctx, 'san-north', { inDays: 20, places: 40, companionPlaces: 0 });
  await ctx
    .db('sanatorium_periods')
    .where({ id: periodId })
    .update({ booked: 40 - PLACES });
  people = await createSyntheticRecipients(ctx.db, ctx.dataDir, SYNTHETIC, {
    tag: 'san-race',
    serialBase: 8200,
  });
  for (const p of people) {
    const ipr = (await ctx.db('iprs').where({ person_id: p.id }).first('id')) as { id: number };
    await ctx.db('ipr_measures').insert({
      external_id: `san-race-S-${p.id}`,
      ipr_id: ipr.id,
      person_id: p.id,
      help_type: 'SANATORIUM',
      volume: 21,
      deadline: '2099-12-31',
      status: 'open',
    });
  }
  for (const key of HTTP_PEOPLE) agents.set(key, await loginAs(ctx, key));
}, 300_000);

afterAll(async () => ctx?.close());

const actorOf = (p: SyntheticPerson): Actor => ({ personId: p.id, principalId: p.id, roles: ['recipient'] });

describe('the last 5 places of a period under 200 signed orders', () => {
  it('holds places for exactly 5 orders; the 195 others are told the period is full; no server error', async () => {
    const orders = ctx.services.sanatorium.orders;
    const prepared = await Promise.all(
      people.map(async (p) => {
        const s = await orders.issueCreate(actorOf(p), periodId, { companion: false }, 'ru');
        return {
          p,
          input: { signRequestId: s.signRequest.id, signedXml: signXml(s.signRequest.xml, p.sign) },
        };
      }),
    );
    const pages = await Promise.all(
      HTTP_PEOPLE.map(async (key) => {
        const agent = agents.get(key)!;
        const w = await agent.get(`/sanatorium/periods/${periodId}`).expect(200);
        const page = await agent
          .post(`/sanatorium/periods/${periodId}/order`)
          .type('form')
          .send({ _csrf: csrfFrom(w.text), companion: 'no' })
          .expect(200);
        const form = signFormFrom(page.text);
        return { key, form, signedXml: signAs(ctx, key, 'SIGN', form.xml) };
      }),
    );

    const statuses: number[] = [];
    const results = await Promise.all([
      ...prepared.map(async ({ p, input }) => {
        try {
          await orders.applyCreate(actorOf(p), periodId, input);
          return 'held';
        } catch (err) {
          if (err instanceof AppError && err.code === 'sanatorium:errors.periodFull') return 'full';
          throw err;
        }
      }),
      ...pages.map(async ({ key, form, signedXml }) => {
        const res = await agents
          .get(key)!
          .post(form.action)
          .type('form')
          .send({ _csrf: form.csrf, signRequestId: form.signRequestId, signedXml });
        statuses.push(res.status);
        if (res.status === 303) return 'held';
        expect(res.status).toBe(409);
        expect(textOf(res.text)).toContain('В этом заезде не осталось свободных мест');
        return 'full';
      }),
    ]);

    expect(statuses.every((s) => s < 500)).toBe(true);
    expect(results.filter((r) => r === 'held')).toHaveLength(PLACES);
    expect(results.filter((r) => r === 'full')).toHaveLength(200 - PLACES);
    expect(await periodRow(ctx, periodId)).toMatchObject({ booked: 40, places: 40 });
    const held = await ctx.db('sanatorium_orders').where({ period_id: periodId }).count('* as n').first();
    expect(Number((held as { n: number }).n)).toBe(PLACES);
    // the refused signatures created nothing: no order, no consumed document
    const created = await ctx
      .db('signed_documents')
      .where({ purpose: 'sanatorium.create' })
      .count('* as n')
      .first();
    expect(Number((created as { n: number }).n)).toBe(PLACES);
  }, 300_000);
});
