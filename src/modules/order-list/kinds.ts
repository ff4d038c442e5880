/**
 * The order kinds of the recipient's lists. A new kind plugs in here with one registration: its
 * `OrderListKind` appended to `ORDER_LIST_KINDS` (sanatorium vouchers and ССУ contracts join this way).
 */
import type { Knex } from 'knex';
import { msuMachine } from '../msu/rules.js';
import { serviceMachine } from '../specialist-services/rules.js';
import { goodsMachine } from '../goods/rules.js';
import { sanatoriumMachine } from '../sanatorium/rules.js';
import { contractMachine } from '../contracts/rules.js';
import type { ListAction, ListMachine, OrderListKind, OrderSection, ReasonLine } from './registry.js';
import {
  ContractListRepository,
  kindLabelOf,
  OrderListRepository,
  type ReasonEventRow,
} from './repository.js';

const repo = new OrderListRepository();

/** A reason as the step stored it: a code of the kind's list (with a comment) or free text. */
function reasonLine(e: ReasonEventRow, codeKey?: (code: string) => string): ReasonLine {
  const code = typeof e.details?.reasonCode === 'string' ? e.details.reasonCode : '';
  const comment = typeof e.details?.comment === 'string' ? e.details.comment : '';
  if (code && codeKey) return { at: e.at, key: codeKey(code), ...(comment ? { comment } : {}) };
  return { at: e.at, text: e.reason ?? '' };
}

/**
 * A kind kept in the shared `orders` table (`orders.kind`), its rows read with the help type's name,
 * the supplier (organisation, else specialist) and the reasons of its steps.
 */
export function ordersTableKind(o: {
  kind: string;
  section: OrderSection;
  filter: { value: string; labelKey: string };
  statusNs: string;
  machine: ListMachine;
  actions: Record<string, ListAction>;
  cardHref: (orderId: number) => string;
  /** the locale key of a reason code, for kinds whose reasons are chosen from a list */
  reasonKey?: (code: string) => string;
}): OrderListKind {
  return {
    kind: o.kind,
    section: o.section,
    filters: [o.filter],
    statusNs: o.statusNs,
    machine: o.machine,
    actions: o.actions,
    cardHref: o.cardHref,
    rows: async (db: Knex, recipientId: number) => {
      const orders = await repo.ordersOf(db, recipientId, o.kind);
      const events = await repo.reasonsOf(
        db,
        orders.map((r) => r.id),
      );
      return orders.map((r) => ({
        id: r.id,
        number: r.number,
        kindLabel: kindLabelOf(r),
        filter: o.filter.value,
        supplier: r.supplier,
        createdAt: r.created_at,
        status: r.status,
        reasons: events.filter((e) => e.order_id === r.id).map((e) => reasonLine(e, o.reasonKey)),
      }));
    },
  };
}

const link = (
  labelKey: string,
  href: (id: number) => string,
  look: ListAction['look'] = 'secondary',
): ListAction => ({
  labelKey,
  href,
  look,
});
const signedPost = (
  labelKey: string,
  href: (id: number) => string,
  look: ListAction['look'],
): ListAction => ({
  labelKey,
  href,
  method: 'post',
  signs: true,
  look,
});

/** МСУ beds (seed 000 items 10–18): the queue's cancellation, the offered place, the enrolment. */
export const msuKind = ordersTableKind({
  kind: 'msu',
  section: 'services',
  filter: { value: 'msu', labelKey: 'orderlist:filter.msu' },
  statusNs: 'msu',
  machine: msuMachine,
  actions: {
    accept_offer: link('orderlist:action.acceptOffer', (id) => `/msu/orders/${id}/accept`, 'primary'),
    decline_offer: link('orderlist:action.declineOffer', (id) => `/msu/orders/${id}/decline`),
    cancel_queue: link('orderlist:action.cancelQueue', (id) => `/msu/orders/${id}/cancel-queue`, 'warning'),
    cancel_enrolment: link(
      'orderlist:action.cancelEnrolment',
      (id) => `/msu/orders/${id}/cancel-enrolment`,
      'warning',
    ),
  },
  cardHref: (id) => `/msu/orders/${id}`,
});

/** УЖЯ/УИП specialist services (seed 000 items 19–32). */
export const serviceKind = ordersTableKind({
  kind: 'service',
  section: 'services',
  filter: { value: 'specialist', labelKey: 'orderlist:filter.specialist' },
  statusNs: 'services',
  machine: serviceMachine,
  actions: {
    confirm: link('orderlist:action.confirm', (id) => `/services/orders/${id}/confirm`, 'primary'),
    delete: {
      labelKey: 'orderlist:action.delete',
      href: (id) => `/services/orders/${id}/delete`,
      method: 'post',
      look: 'warning',
    },
    cancel: link('orderlist:action.cancel', (id) => `/services/orders/${id}/cancel`, 'warning'),
    refuse: link('orderlist:action.refuse', (id) => `/services/orders/${id}/refuse`, 'warning'),
  },
  cardHref: (id) => `/services/orders/${id}`,
  reasonKey: (code) => `services:reasons.${code}`,
});

/** ТСР goods (seed 000 items 33–54): the card's own signed forms. */
export const goodsKind = ordersTableKind({
  kind: 'goods',
  section: 'goods',
  filter: { value: 'goods', labelKey: 'orderlist:filter.goods' },
  statusNs: 'goods',
  machine: goodsMachine,
  actions: {
    confirm: signedPost('orderlist:action.confirm', (id) => `/goods/orders/${id}/confirm`, 'primary'),
    delete: signedPost('orderlist:action.delete', (id) => `/goods/orders/${id}/delete`, 'warning'),
    cancel: signedPost('orderlist:action.cancel', (id) => `/goods/orders/${id}/cancel`, 'warning'),
  },
  cardHref: (id) => `/goods/orders/${id}`,
});

/**
 * Sanatorium-resort treatment (docs/sanatorium.md): confirming, deleting and cancelling are signed from
 * the list; refusing asks for a reason, on the order's card.
 */
export const sanatoriumKind = ordersTableKind({
  kind: 'sanatorium',
  section: 'services',
  filter: { value: 'sanatorium', labelKey: 'orderlist:filter.sanatorium' },
  statusNs: 'sanatorium',
  machine: sanatoriumMachine,
  actions: {
    confirm: signedPost('orderlist:action.confirm', (id) => `/sanatorium/orders/${id}/confirm`, 'primary'),
    delete: signedPost('orderlist:action.delete', (id) => `/sanatorium/orders/${id}/delete`, 'warning'),
    cancel: signedPost('orderlist:action.cancel', (id) => `/sanatorium/orders/${id}/cancel`, 'warning'),
    refuse: link('orderlist:action.refuse', (id) => `/sanatorium/orders/${id}#reason-refuse`, 'warning'),
  },
  cardHref: (id) => `/sanatorium/orders/${id}`,
});

const contracts = new ContractListRepository();

/**
 * Special social services by contract (seed 002, docs/contracts.md), kept in `ssu_contracts`: the
 * person signs the contract the provider signed, or terminates it with a reason. A contract has its
 * number only once both sides sign; until then the row names it by its card's number.
 */
export const contractKind: OrderListKind = {
  kind: 'contract',
  section: 'services',
  filters: [{ value: 'contract', labelKey: 'orderlist:filter.contract' }],
  statusNs: 'contracts',
  machine: contractMachine,
  actions: {
    recipient_sign: link('orderlist:action.signContract', (id) => `/contracts/${id}/sign`, 'primary'),
    terminate_recipient: link('orderlist:action.terminate', (id) => `/contracts/${id}/terminate`, 'warning'),
  },
  cardHref: (id) => `/contracts/${id}`,
  rows: async (db: Knex, personId: number) => {
    const list = await contracts.contractsOf(db, personId);
    const reasons = await contracts.reasonsOf(
      db,
      list.map((c) => c.id),
    );
    return list.map((c) => ({
      id: c.id,
      number: c.number ?? String(c.id),
      kindLabel: {
        ru: 'Специальные социальные услуги по договору',
        kk: 'Шарт бойынша арнаулы әлеуметтік қызметтер',
        en: 'Special social services by contract',
      },
      filter: 'contract',
      supplier: c.supplier,
      createdAt: c.requested_at,
      status: c.status,
      context: { lapsed: c.lapsed },
      reasons: reasons.filter((r) => r.contract_id === c.id).map((r) => ({ at: r.at, text: r.reason })),
    }));
  },
};

/** Every kind the lists show, in the order of the «Вид» filter. */
export const ORDER_LIST_KINDS: readonly OrderListKind[] = [
  msuKind,
  serviceKind,
  sanatoriumKind,
  contractKind,
  goodsKind,
];
