import type { Knex } from 'knex';
import type { Locale } from '../../lib/i18n.js';

type Db = Knex | Knex.Transaction;

/** An order of the shared `orders` table with what a list row shows beside it. */
export interface ListedOrderRow {
  id: number;
  number: string;
  kind: string;
  help_type: string;
  status: string;
  created_at: Date;
  name_ru: string | null;
  name_kk: string | null;
  name_en: string | null;
  /** the organisation's name, else the specialist's full name */
  supplier: string | null;
}

/** A step of an order that carried a reason (free text, or a reason code with a comment in `details`). */
export interface ReasonEventRow {
  order_id: number;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
  at: Date;
}

/** The recipient's orders of the shared `orders` table, for the kinds kept there. */
export class OrderListRepository {
  async ordersOf(db: Db, recipientId: number, kind: string): Promise<ListedOrderRow[]> {
    return (await db('orders as o')
      .leftJoin('help_types as h', 'h.code', 'o.help_type')
      .leftJoin('organisations as org', 'org.id', 'o.organisation_id')
      .leftJoin('persons as sp', 'sp.id', 'o.specialist_id')
      .where({ 'o.recipient_id': recipientId, 'o.kind': kind })
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .select(
        'o.id',
        'o.number',
        'o.kind',
        'o.help_type',
        'o.status',
        'o.created_at',
        'h.name_ru',
        'h.name_kk',
        'h.name_en',
        db.raw(
          `coalesce(org.name, nullif(concat_ws(' ', sp.surname, sp.name, sp.patronymic), '')) as supplier`,
        ),
      )) as ListedOrderRow[];
  }

  /** The steps with a reason of these orders, oldest first. */
  async reasonsOf(db: Db, orderIds: number[]): Promise<ReasonEventRow[]> {
    if (orderIds.length === 0) return [];
    return (await db('order_events')
      .whereIn('order_id', orderIds)
      .where((q) =>
        q
          .where((r) => r.whereNotNull('reason').andWhere('reason', '<>', ''))
          .orWhereRaw(`coalesce(details ->> 'reasonCode', '') <> ''`),
      )
      .orderBy('id')
      .select('order_id', 'action', 'reason', 'details', 'at')) as ReasonEventRow[];
  }
}

/** A contract of special social services (docs/contracts.md) with what a list row shows beside it. */
export interface ListedContractRow {
  id: number;
  number: string | null;
  status: string;
  requested_at: Date;
  supplier: string;
  /** the contract's last day has passed (the database's date, Astana) */
  lapsed: boolean;
}

/** The person's contracts of special social services, and the reasons given on their steps. */
export class ContractListRepository {
  async contractsOf(db: Db, personId: number): Promise<ListedContractRow[]> {
    return (await db('ssu_contracts as c')
      .join('organisations as org', 'org.id', 'c.organisation_id')
      .where('c.person_id', personId)
      .orderBy('c.requested_at', 'desc')
      .orderBy('c.id', 'desc')
      .select(
        'c.id',
        'c.number',
        'c.status',
        'c.requested_at',
        'org.name as supplier',
        db.raw(`coalesce(c.valid_to < (now() at time zone 'Asia/Almaty')::date, false) as lapsed`),
      )) as ListedContractRow[];
  }

  async reasonsOf(
    db: Db,
    contractIds: number[],
  ): Promise<{ contract_id: number; reason: string; at: Date }[]> {
    if (contractIds.length === 0) return [];
    return (await db('ssu_contract_events')
      .whereIn('contract_id', contractIds)
      .whereNotNull('reason')
      .andWhere('reason', '<>', '')
      .orderBy('id')
      .select('contract_id', 'reason', 'at')) as { contract_id: number; reason: string; at: Date }[];
  }
}

/** A help type's name in each language (its code when the type is unknown). */
export function kindLabelOf(
  r: Pick<ListedOrderRow, 'help_type' | 'name_ru' | 'name_kk' | 'name_en'>,
): Record<Locale, string> {
  return {
    ru: r.name_ru ?? r.help_type,
    kk: r.name_kk ?? r.help_type,
    en: r.name_en ?? r.help_type,
  };
}
