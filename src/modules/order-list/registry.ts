/**
 * The registry of order kinds behind «Заказанные услуги» and «Заказы товаров». Each kind contributes
 * (a) its rows for a person (number, kind label, supplier, date, status) and (b) how each action its
 * own state machine offers the recipient from a status is reached (the existing card, reason or sign
 * page of that kind). The list asks the machine which actions a row has; it never decides that itself.
 *
 * Adding a kind is one registration: write an `OrderListKind` and append it to `ORDER_LIST_KINDS`
 * (`kinds.ts`). See docs/architecture.md, "Adding an order kind to the lists".
 */
import type { Knex } from 'knex';
import type { Role } from '../../lib/actor.js';
import type { Locale } from '../../lib/i18n.js';
import type { Tone } from '../orders/state-machine.js';

/** The two lists of the recipient's cabinet. */
export type OrderSection = 'services' | 'goods';
export const ORDER_SECTIONS: readonly OrderSection[] = ['services', 'goods'];

/** What the list needs of a kind's machine (any `StateMachine` of src/modules/orders/state-machine.ts). */
export interface ListMachine<C = unknown> {
  actionsFor(from: string, roles: readonly Role[], ctx?: C): string[];
  tone(status: string): Tone;
}

/** How one action of the recipient is reached from the list: the kind's own page for it. */
export interface ListAction {
  /** the button's words (a locale key) */
  labelKey: string;
  /** the kind's page (GET) or the form's target (POST) for this order */
  href: (orderId: number) => string;
  /** a POST form with the CSRF token (the kind's card posts the same form); a link when absent */
  method?: 'get' | 'post';
  /** the form's post answers with the document to sign (data-eds-issue="SIGN") */
  signs?: boolean;
  /** how the button looks: the main action, a secondary one or a cancellation */
  look?: 'primary' | 'secondary' | 'warning';
}

/** A reason given on one of the order's steps («Просмотреть причины»). */
export interface ReasonLine {
  at: Date;
  /** a reason chosen from a list: its locale key (with the comment typed beside it, if any) */
  key?: string;
  comment?: string;
  /** a reason typed as free text, as written */
  text?: string;
}

/** One order of a kind, as the kind reads it for a person. */
export interface KindRow {
  id: number;
  number: string;
  /** the kind label: the help type's name in each language */
  kindLabel: Record<Locale, string>;
  /** which of the section's filter values the row belongs to (e.g. 'msu', 'specialist') */
  filter: string;
  supplier: string | null;
  createdAt: Date;
  status: string;
  /** what the machine's guards look at for this order, when the kind has guards on recipient rows */
  context?: unknown;
  reasons: ReasonLine[];
}

/** One registered order kind. */
export interface OrderListKind {
  /** a stable name of the kind (the `orders.kind` value for kinds kept in `orders`) */
  kind: string;
  section: OrderSection;
  /** the values of the «Вид» filter this kind answers to, with their option words (locale keys) */
  filters: { value: string; labelKey: string }[];
  /** the locale namespace of the kind's status names (`<ns>:status.<code>`) */
  statusNs: string;
  machine: ListMachine;
  /** the recipient's actions of the machine and the kind's page for each */
  actions: Record<string, ListAction>;
  /** the order's card */
  cardHref: (orderId: number) => string;
  /** the person's orders of this kind, newest first or in any order (the list sorts) */
  rows: (db: Knex, recipientId: number) => Promise<KindRow[]>;
}

/** The roles an actor takes the recipient's actions with (a guardian acts for the ward). */
export const RECIPIENT_SIDE: readonly Role[] = ['recipient', 'guardian'];
