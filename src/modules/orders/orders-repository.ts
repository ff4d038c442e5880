import type { Knex } from 'knex';
import { lockRowById, rowById } from '../shared/rows.js';
import { prepared, runPrepared, type Queryable } from '../../db/prepared.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';

/** an order and its first event in one statement (the event reads the order's own columns), prepared */
const CREATE_ORDER = prepared(
  'orders.create',
  `with o as (
     insert into orders (number, kind, help_type, recipient_id, created_by, measure_id, organisation_id,
       specialist_id, status, is_open, details, status_changed_at, created_at)
     values (to_char($1::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' ||
       lpad(nextval('order_number_seq')::text, 7, '0'),
       $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $1, $1)
     returning *),
   e as (
     insert into order_events (order_id, at, actor_id, principal_id, action, from_status, to_status, signed_document_id)
     select o.id, o.created_at, o.created_by, o.recipient_id, $11::text, null, o.status, $12::bigint from o)
   select * from o`,
);

export type OrderKind = 'msu' | 'service' | 'goods' | 'sanatorium';

export interface OrderRow {
  id: number;
  number: string;
  kind: OrderKind;
  help_type: string;
  recipient_id: number;
  created_by: number;
  measure_id: number | null;
  organisation_id: number | null;
  specialist_id: number | null;
  status: string;
  is_open: boolean;
  version: number;
  details: Record<string, unknown>;
  status_changed_at: Date;
  created_at: Date;
}

export interface OrderEventRow {
  id: number;
  order_id: number;
  at: Date;
  actor_id: number | null;
  principal_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  details: Record<string, unknown>;
  signed_document_id: number | null;
}

export interface NewOrder {
  kind: OrderKind;
  helpType: string;
  recipientId: number;
  createdBy: number;
  measureId?: number | null;
  organisationId?: number | null;
  specialistId?: number | null;
  status: string;
  details?: Record<string, unknown>;
  signedDocumentId?: number | null;
  action?: string;
  at?: Date;
}

const UNIQUE_VIOLATION = '23505';

/** The columns of an order (aliased `o`) that every list of orders shows. */
export const ORDER_LIST_COLUMNS = [
  'o.id',
  'o.number',
  'o.status',
  'o.created_at',
  'o.status_changed_at',
] as const;

/** Who moves an order and what the event records (the order's row may take `mergeDetails` too). */
export interface OrderChange {
  actorId: number | null;
  principalId?: number | null;
  reason?: string | null;
  signedDocumentId?: number | null;
  details?: Record<string, unknown>;
  mergeDetails?: Record<string, unknown>;
  at?: Date;
  /** the version the person saw: a change made meanwhile is refused */
  expectedVersion?: number;
}

/** The common part of every order and its append-only events. */
export class OrdersRepository {
  async create(tx: Queryable, o: NewOrder): Promise<OrderRow> {
    const at = o.at ?? new Date();
    try {
      // the order and its first event in one statement (the event reads the order's own columns)
      const [row] = await runPrepared<OrderRow>(tx, CREATE_ORDER, [
        at,
        o.kind,
        o.helpType,
        o.recipientId,
        o.createdBy,
        o.measureId ?? null,
        o.organisationId ?? null,
        o.specialistId ?? null,
        o.status,
        JSON.stringify(o.details ?? {}),
        o.action ?? 'create',
        o.signedDocumentId ?? null,
      ]);
      return row!;
    } catch (err) {
      if (
        (err as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION &&
        (err as { constraint?: string }).constraint === 'orders_one_open_per_help_type'
      ) {
        throw new ConflictError('one_open_order_per_help_type');
      }
      throw err;
    }
  }

  async findById(db: Knex | Knex.Transaction, id: number): Promise<OrderRow | undefined> {
    return rowById<OrderRow>(db, 'orders', id);
  }

  async findByNumber(db: Knex | Knex.Transaction, number: string): Promise<OrderRow | undefined> {
    return (await db('orders').where({ number }).first()) as OrderRow | undefined;
  }

  /** Locks the order row for a state change. */
  async lock(tx: Knex.Transaction, id: number): Promise<OrderRow> {
    const row = await lockRowById<OrderRow>(tx, 'orders', id);
    if (!row) throw new NotFoundError();
    return row;
  }

  /**
   * Applies an action of the order kind's machine to a locked order and appends its event. The
   * machine decides the target status and whether the order closes; an action the machine does not
   * have from the order's status is refused.
   */
  async transition<S extends string, A extends string>(
    tx: Knex.Transaction,
    order: OrderRow,
    machine: { find(from: S, action: A): { to: S; closes?: boolean } | undefined },
    action: A,
    change: OrderChange,
  ): Promise<OrderRow> {
    if (change.expectedVersion !== undefined && change.expectedVersion !== order.version) {
      throw new AppError('order_changed_meanwhile', 409);
    }
    const t = machine.find(order.status as S, action);
    if (!t) throw new AppError('order_action_not_allowed', 409, { action, status: order.status });
    const at = change.at ?? new Date();
    const [row] = (await tx('orders')
      .where({ id: order.id, version: order.version })
      .update({
        status: t.to,
        is_open: order.is_open && !t.closes,
        version: order.version + 1,
        status_changed_at: at,
        ...(change.mergeDetails
          ? { details: tx.raw('details || ?::jsonb', [JSON.stringify(change.mergeDetails)]) }
          : {}),
      })
      .returning('*')) as OrderRow[];
    if (!row) throw new AppError('order_changed_meanwhile', 409);
    await tx('order_events').insert({
      order_id: order.id,
      at,
      actor_id: change.actorId,
      principal_id: change.principalId ?? null,
      action,
      from_status: order.status,
      to_status: t.to,
      reason: change.reason ?? null,
      details: JSON.stringify(change.details ?? {}),
      signed_document_id: change.signedDocumentId ?? null,
    });
    return row;
  }

  async events(
    db: Knex | Knex.Transaction,
    orderId: number,
  ): Promise<(OrderEventRow & { actor_name: string | null })[]> {
    return (await db('order_events as e')
      .leftJoin('persons as p', 'p.id', 'e.actor_id')
      .where('e.order_id', orderId)
      .orderBy('e.id')
      .select(
        'e.*',
        db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`),
      )) as (OrderEventRow & {
      actor_name: string | null;
    })[];
  }

  async openOrder(
    db: Knex | Knex.Transaction,
    recipientId: number,
    helpType: string,
  ): Promise<OrderRow | undefined> {
    return (await db('orders')
      .where({ recipient_id: recipientId, help_type: helpType, is_open: true })
      .first()) as OrderRow | undefined;
  }

  async listForRecipient(
    db: Knex | Knex.Transaction,
    recipientId: number,
    filter: {
      kinds?: OrderKind[];
      helpTypes?: string[];
      status?: string;
      from?: string;
      to?: string;
      limit?: number;
      offset?: number;
    },
  ): Promise<{ rows: OrderRow[]; total: number }> {
    const base = db('orders').where({ recipient_id: recipientId });
    if (filter.kinds?.length) base.whereIn('kind', filter.kinds);
    if (filter.helpTypes?.length) base.whereIn('help_type', filter.helpTypes);
    if (filter.status) base.where({ status: filter.status });
    if (filter.from) base.whereRaw(`(created_at at time zone 'Asia/Almaty')::date >= ?`, [filter.from]);
    if (filter.to) base.whereRaw(`(created_at at time zone 'Asia/Almaty')::date <= ?`, [filter.to]);
    const [{ count }] = (await base.clone().count<{ count: number }[]>('* as count')) as [{ count: number }];
    const rows = (await base
      .clone()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 20)
      .offset(filter.offset ?? 0)) as OrderRow[];
    return { rows, total: Number(count) };
  }
}
