import type { TestContext } from '../../support/context.js';

/** Department id by its Russian name (as seeded by seeds/10_msu.ts). */
export async function deptId(ctx: TestContext, nameRu: string): Promise<number> {
  const row = (await ctx.db('msu_departments').whereRaw(`name->>'ru' = ?`, [nameRu]).first('id')) as
    { id: number } | undefined;
  if (!row) throw new Error(`no department ${nameRu}`);
  return row.id;
}

export async function dept(ctx: TestContext, id: number) {
  return (await ctx.db('msu_departments').where({ id }).first()) as {
    id: number;
    free: number;
    beds_total: number;
    queue_seq: number;
  };
}

export async function orderOf(ctx: TestContext, personId: number) {
  return (await ctx
    .db('orders')
    .where({ recipient_id: personId, kind: 'msu' })
    .orderBy('id', 'desc')
    .first()) as
    { id: number; number: string; status: string; is_open: boolean; version: number } | undefined;
}

/** The texts the dev SMS gateway would send (outbox rows of the sms system). */
export async function smsTo(ctx: TestContext, phone: string): Promise<string[]> {
  const rows = (await ctx.db('outbox').where({ system: 'sms' }).orderBy('id')) as {
    payload: { phone: string; text: string };
  }[];
  return rows.filter((r) => r.payload.phone === phone).map((r) => r.payload.text);
}

export const ASTANA_GENERAL = 'Отделение общего типа';
export const ASTANA_MERCY = 'Отделение милосердия';
export const TEMIRTAU_REHAB = 'Реабилитационное отделение';
export const ALMATY_MEN = 'Мужское отделение для пожилых';
