import { expect } from 'vitest';
import type { TestContext } from '../../support/context.js';
import { csrfFrom, submitSigned, type Agent } from '../../support/http.js';

/** Helpers of the goods tests: find seeded rows, walk the signed steps of an order through HTTP. */

export async function goodsIdByName(ctx: TestContext, name: string): Promise<number> {
  const row = (await ctx.db('goods').where({ name }).first('id')) as { id: number } | undefined;
  if (!row) throw new Error(`no goods ${name}`);
  return row.id;
}

export async function locationIdByName(ctx: TestContext, name: string): Promise<number> {
  const row = (await ctx.db('goods_locations').where({ name }).first('id')) as { id: number } | undefined;
  if (!row) throw new Error(`no location ${name}`);
  return row.id;
}

export async function stockOf(ctx: TestContext, goodsId: number, locationId: number) {
  return (await ctx
    .db('goods_stock')
    .where({ goods_id: goodsId, location_id: locationId })
    .first('quantity', 'reserved')) as {
    quantity: number;
    reserved: number;
  };
}

/** Fills the creation window, presses «Создать», signs the order with the person's SIGN key; returns the order id. */
export async function createOrder(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  helpType: string,
  goodsId: number,
  fields: Record<string, string>,
): Promise<number> {
  const page = await agent.get(`/goods/${helpType}/${goodsId}/order`).expect(200);
  const signPage = await agent
    .post(`/goods/${helpType}/${goodsId}/order`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
  expect(signPage.status, signPage.text.slice(0, 2000)).toBe(200);
  const res = await submitSigned(ctx, agent, signPage.text, personKey);
  expect(res.status, res.text.slice(0, 2000)).toBe(303);
  const m = /^\/goods\/orders\/(\d+)$/.exec(res.headers.location as string);
  if (!m) throw new Error(`unexpected redirect ${res.headers.location}`);
  return Number(m[1]);
}

/**
 * One step of an order: the button's form on the card (with its fields), then the signing page,
 * signed with the person's key. Returns the response of the signed post (303 on success).
 */
export async function step(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  side: 'goods' | 'supplier',
  orderId: number,
  action: string,
  fields: Record<string, string> = {},
) {
  const card = await agent.get(`/${side}/orders/${orderId}`).expect(200);
  const signPage = await agent
    .post(`/${side}/orders/${orderId}/${action}`)
    .type('form')
    .send({ _csrf: csrfFrom(card.text), ...fields });
  if (signPage.status !== 200) return signPage;
  return submitSigned(ctx, agent, signPage.text, personKey);
}

/** The same, expecting success. */
export async function stepOk(
  ctx: TestContext,
  agent: Agent,
  personKey: string,
  side: 'goods' | 'supplier',
  orderId: number,
  action: string,
  fields: Record<string, string> = {},
) {
  const res = await step(ctx, agent, personKey, side, orderId, action, fields);
  expect(res.status, res.text.slice(0, 3000)).toBe(303);
  return res;
}

export async function orderRow(ctx: TestContext, orderId: number) {
  return (await ctx.db('orders').where({ id: orderId }).first()) as {
    status: string;
    is_open: boolean;
    number: string;
    measure_id: number;
  };
}

/** Visible text of a page without tags (for assertions on what a user reads). */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
