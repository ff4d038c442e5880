import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { astanaDate } from '../../lib/clock.js';
import type { Locale } from '../../lib/i18n.js';
import type { Tone } from '../orders/state-machine.js';
import { principalOf } from '../entitlements/principal.js';
import { fullName } from '../people/names.js';
import {
  RECIPIENT_SIDE,
  type KindRow,
  type ListAction,
  type OrderListKind,
  type OrderSection,
  type ReasonLine,
} from './registry.js';
import type { OrderListQuery } from './schemas.js';

export const ORDERS_PER_PAGE = 20;

/** An action of a row: the kind's page for it, named with the words of its button. */
export interface RowAction {
  action: string;
  labelKey: string;
  href: string;
  method: 'get' | 'post';
  signs: boolean;
  look: NonNullable<ListAction['look']>;
}

export interface OrderListRow {
  id: number;
  number: string;
  kind: string;
  kindLabel: string;
  supplier: string | null;
  createdAt: Date;
  status: string;
  /** `<ns>:status.<code>` */
  statusKey: string;
  tone: Tone;
  href: string;
  actions: RowAction[];
  /** «Просмотреть причины»: the reasons given on the order's steps (none: no such link) */
  reasons: ReasonLine[];
}

export interface OrderListPage {
  principal: { name: string; isSelf: boolean };
  /** the «Вид» filter's options (shown when the section has more than one) */
  kinds: { value: string; labelKey: string }[];
  /** the statuses the person's orders of the section have, for the «Статус» filter */
  statuses: { status: string; statusKey: string }[];
  rows: OrderListRow[];
  total: number;
  page: number;
  pages: number;
}

/** A filter that names no kind or status of this section: the field and its message. */
export class FilterError extends Error {
  constructor(public readonly fields: Record<string, string>) {
    super('filter');
  }
}

/**
 * «Заказанные услуги» and «Заказы товаров» over the registered order kinds: every kind's rows of the
 * principal (the recipient, or the ward a guardian acts for), newest first, with the actions the
 * kind's machine gives the recipient from each status and the reasons of its steps.
 */
export class OrderListService {
  constructor(
    private readonly core: CoreServices,
    private readonly kinds: readonly OrderListKind[],
  ) {
    const seen = new Set<string>();
    for (const k of kinds) {
      if (seen.has(k.kind)) throw new Error(`order kind ${k.kind} is registered twice`);
      seen.add(k.kind);
    }
  }

  kindsOf(section: OrderSection): readonly OrderListKind[] {
    return this.kinds.filter((k) => k.section === section);
  }

  async list(actor: Actor, section: OrderSection, q: OrderListQuery, lang: Locale): Promise<OrderListPage> {
    const { db, people } = this.core;
    const principal = await principalOf(db, people, actor);
    const kinds = this.kindsOf(section);
    const filters = kinds.flatMap((k) => k.filters);
    if (q.type && !filters.some((f) => f.value === q.type))
      throw new FilterError({ type: 'orderlist:errors.filterValue' });
    if (q.from && q.to && q.from > q.to) throw new FilterError({ from: 'orderlist:errors.filterRange' });

    const roles = actor.roles.filter((r) => RECIPIENT_SIDE.includes(r));
    const all: { kind: OrderListKind; row: KindRow }[] = [];
    for (const kind of kinds) for (const row of await kind.rows(db, principal.id)) all.push({ kind, row });

    const statuses = new Map<string, string>();
    for (const { kind, row } of all)
      if (!statuses.has(row.status)) statuses.set(row.status, `${kind.statusNs}:status.${row.status}`);

    const chosen = all
      .filter(({ row }) => !q.type || row.filter === q.type)
      .filter(({ row }) => !q.status || row.status === q.status)
      .filter(({ row }) => !q.from || astanaDate(row.createdAt) >= q.from)
      .filter(({ row }) => !q.to || astanaDate(row.createdAt) <= q.to)
      .sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime() || b.row.id - a.row.id);
    const pages = Math.max(1, Math.ceil(chosen.length / ORDERS_PER_PAGE));
    const page = Math.min(q.page ?? 1, pages);
    const shown = chosen.slice((page - 1) * ORDERS_PER_PAGE, page * ORDERS_PER_PAGE);

    return {
      principal: { name: fullName(principal), isSelf: principal.id === actor.personId },
      kinds: filters,
      statuses: [...statuses].map(([status, statusKey]) => ({ status, statusKey })),
      rows: shown.map(({ kind, row }) => ({
        id: row.id,
        number: row.number,
        kind: kind.kind,
        kindLabel: row.kindLabel[lang],
        supplier: row.supplier,
        createdAt: row.createdAt,
        status: row.status,
        statusKey: `${kind.statusNs}:status.${row.status}`,
        tone: kind.machine.tone(row.status),
        href: kind.cardHref(row.id),
        actions: rowActions(kind, row, roles),
        reasons: row.reasons,
      })),
      total: chosen.length,
      page,
      pages,
    };
  }
}

/** The machine's actions for the recipient from the row's status, each with the kind's page for it. */
export function rowActions(
  kind: OrderListKind,
  row: Pick<KindRow, 'id' | 'status' | 'context'>,
  roles: readonly Actor['roles'][number][],
): RowAction[] {
  if (roles.length === 0) return [];
  return kind.machine.actionsFor(row.status, roles, row.context).flatMap((action) => {
    const a = kind.actions[action];
    if (!a) return [];
    return [
      {
        action,
        labelKey: a.labelKey,
        href: a.href(row.id),
        method: a.method ?? 'get',
        signs: a.signs ?? false,
        look: a.look ?? 'secondary',
      },
    ];
  });
}
