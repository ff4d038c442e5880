/**
 * Hostile input on the forms of people who are none of the fuzz world's roles (fuzz.test.ts cannot
 * post there): a sanatorium's employee and an employee of a local executive body. A NUL byte, year 0,
 * 30 February, a body far over the limit: refused with a 4xx and a message, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { decodeEntities, loginAs, personIdOf, postForm, type Agent } from '../../support/http.js';
import { organisationId } from '../sanatorium/helpers.js';

let ctx: TestContext;
let sanatorium: Agent;
let executive: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  [sanatorium, executive] = await Promise.all([loginAs(ctx, 'san-e2'), loginAs(ctx, 'lex01')]);
}, 120_000);
afterAll(async () => ctx?.close());

const PERIOD = {
  days: '14',
  places: '5',
  companionPlaces: '1',
  price: '300 000',
  companionPrice: '100 000',
};

describe("a sanatorium's periods", () => {
  it('refuse 30 February, year 0, a NUL byte and an oversized body with a 4xx, adding no period', async () => {
    const org = await organisationId(ctx, 'san-lake');
    const periods = async () => ctx.db('sanatorium_periods').where({ organisation_id: org }).orderBy('id');
    const before = await periods();
    const page = await sanatorium.get('/sanatorium-cabinet').expect(200);
    for (const startsOn of ['2027-02-30', '0000-03-01', '2027-03-01\u0000', '']) {
      const res = await postForm(sanatorium, page.text, '/sanatorium-cabinet/periods', {
        ...PERIOD,
        startsOn,
      });
      expect(res.status, startsOn).toBe(400);
      expect(decodeEntities(res.text), startsOn).toContain('govuk-error-summary');
    }
    const nul = await postForm(sanatorium, page.text, '/sanatorium-cabinet/periods', {
      ...PERIOD,
      startsOn: '2099-03-01',
      days: '14\u0000',
    });
    expect(nul.status).toBe(400);
    const huge = await postForm(sanatorium, page.text, '/sanatorium-cabinet/offer', {
      name: 'Санаторий',
      description: 'я'.repeat(3_000_000),
    });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(await periods()).toEqual(before);
  });
});

describe("a local executive body's «Отметить как уведомлённого»", () => {
  it('refuses a NUL byte in the note and an oversized body, and the person stays not notified', async () => {
    const notice = (await ctx
      .db('unreachable_notices')
      .where({ person_id: await personIdOf(ctx, 'np01') })
      .orderBy('id')
      .first()) as { id: number; notified_at: Date | null };
    expect(notice.notified_at).toBeNull();
    const page = await executive.get(`/outreach/${notice.id}`).expect(200);
    const nul = await postForm(executive, page.text, `/outreach/${notice.id}/notified`, {
      method: 'visit',
      note: 'пришёл\u0000домой',
    });
    expect(nul.status).toBe(400);
    const huge = await postForm(executive, page.text, `/outreach/${notice.id}/notified`, {
      method: 'visit',
      note: 'я'.repeat(3_000_000),
    });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    const after = (await ctx.db('unreachable_notices').where({ id: notice.id }).first()) as {
      notified_at: Date | null;
    };
    expect(after.notified_at).toBeNull();
  });
});
