import { expect } from 'vitest';
import type { TestContext } from '../../support/context.js';
import { csrfFrom, submitSigned, type Agent } from '../../support/http.js';
import { organisationByKey } from '../../../src/devstand/people.js';

/** Helpers of the sanatorium tests: seeded rows, the signed steps of an order through HTTP. */

export async function organisationId(ctx: TestContext, key: string): Promise<number> {
  const row = (await ctx
    .db('organisations')
    .where({ bin: organisationByKey(key).bin })
    .first('id')) as {
    id: number;
  };
  return row.id;
}

/** A period of a demo sanatorium added for a test (starting `inDays` from the clock's today). */
export async function addPeriod(
  ctx: TestContext,
  orgKey: string,
  o: { inDays: number; days?: number; places: number; companionPlaces?: number; priceTenge?: number },
): Promise<number> {
  const [row] = (await ctx
    .db('sanatorium_periods')
    .insert({
      organisation_id: await organisationId(ctx, orgKey),
      starts_on: ctx.db.raw(`(?::timestamptz at time zone 'Asia/Almaty')::date + ?::int`, [
        ctx.clock.now(),
        o.inDays,
      ]),
      days: o.days ?? 14,
      places: o.places,
      companion_places: o.companionPlaces ?? 0,
      price_tiyn: (o.priceTenge ?? 400_000) * 100,
      companion_price_tiyn: 150_000 * 100,
    })
    .returning('id')) as { id: number }[];
  return row!.id;
}

export async function periodRow(ctx: TestContext, id: number) {
  return (await ctx.db('sanatorium_periods').where({ id }).first('booked', 'companion_booked', 'places')) as {
    booked: number;
    companion_booked: number;
    places: number;
  };
}

/** The creation window → «Создать» → the order document signed with the person's key; returns the order id. */
export async function createOrder(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  periodId: number,
  companion: 'yes' | 'no',
): Promise<number> {
  const page = await agent.get(`/sanatorium/periods/${periodId}`).expect(200);
  const signPage = await agent
    .post(`/sanatorium/periods/${periodId}/order`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), companion });
  expect(signPage.status, signPage.text.slice(0, 2000)).toBe(200);
  const res = await submitSigned(ctx, agent, signPage.text, personKey);
  expect(res.status, res.text.slice(0, 2000)).toBe(303);
  const m = /^\/sanatorium\/orders\/(\d+)$/.exec(res.headers.location as string);
  if (!m) throw new Error(`unexpected redirect ${res.headers.location}`);
  return Number(m[1]);
}

/** One step: the button's form on the card (with its fields), then the signing page signed with the person's key. */
export async function step(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  base: '/sanatorium/orders' | '/sanatorium-cabinet/orders',
  orderId: number,
  action: string,
  fields: Record<string, string> = {},
) {
  const card = await agent.get(`${base}/${orderId}`).expect(200);
  const signPage = await agent
    .post(`${base}/${orderId}/${action}`)
    .type('form')
    .send({ _csrf: csrfFrom(card.text), ...fields });
  if (signPage.status !== 200) return signPage;
  return submitSigned(ctx, agent, signPage.text, personKey);
}

export async function stepOk(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  base: '/sanatorium/orders' | '/sanatorium-cabinet/orders',
  orderId: number,
  action: string,
  fields: Record<string, string> = {},
) {
  const res = await step(ctx, agent, personKey, base, orderId, action, fields);
  expect(res.status, res.text.slice(0, 3000)).toBe(303);
  return res;
}

export async function orderRow(ctx: TestContext, id: number) {
  return (await ctx.db('orders').where({ id }).first()) as {
    status: string;
    is_open: boolean;
    number: string;
    measure_id: number;
  };
}
