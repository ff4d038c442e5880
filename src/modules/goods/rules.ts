/**
 * ТСР goods: the pure rules (no database). Money is integer tiyn; the state pays up to the ТСР kind's
 * guaranteed sum, the recipient pays the rest (доплата) at hand-over.
 */
import { DateTime } from 'luxon';
import { StateMachine, type StepDocument, type Transition } from '../orders/state-machine.js';
import type { DocumentKind } from '../../eds/index.js';
import { ASTANA_ZONE } from '../../lib/clock.js';

export const FULFILMENTS = ['stationary', 'home', 'courier', 'pickup'] as const;
export type Fulfilment = (typeof FULFILMENTS)[number];

export const LOCATION_KINDS = ['stationary', 'warehouse'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

/** Goods with an accompanying service are fitted at a stationary point or at home; others are delivered or picked up. */
export const WITH_SERVICE: readonly Fulfilment[] = ['stationary', 'home'];
export const WITHOUT_SERVICE: readonly Fulfilment[] = ['courier', 'pickup'];

export function fulfilmentsFor(accompanyingService: boolean): readonly Fulfilment[] {
  return accompanyingService ? WITH_SERVICE : WITHOUT_SERVICE;
}

/** Delivery options a catalogue entry may offer: at least one, and only those of its kind of fulfilment. */
export function validDeliveryOptions(accompanyingService: boolean, options: readonly string[]): boolean {
  const allowed = fulfilmentsFor(accompanyingService);
  return options.length > 0 && options.every((o) => (allowed as readonly string[]).includes(o));
}

/** Where the item waits for the recipient: a chosen stationary point or warehouse, or none (the supplier picks one). */
export function locationKindFor(f: Fulfilment): LocationKind | null {
  if (f === 'stationary') return 'stationary';
  if (f === 'pickup') return 'warehouse';
  return null;
}

/** Locations from which the supplier may reserve the item for an order of this fulfilment. */
export function reservableKinds(f: Fulfilment): readonly LocationKind[] {
  if (f === 'stationary' || f === 'home') return ['stationary', 'warehouse'];
  return ['warehouse'];
}

export function assertTiyn(v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error('money must be non-negative integer tiyn');
}

/** Доплата: max(0, price − guaranteed sum), integer tiyn. */
export function surchargeTiyn(priceTiyn: number, guaranteedTiyn: number | null | undefined): number {
  assertTiyn(priceTiyn);
  const g = guaranteedTiyn ?? 0;
  assertTiyn(g);
  return Math.max(0, priceTiyn - g);
}

/** What the state reimburses to the supplier: the price up to the guaranteed sum. */
export function reimbursementTiyn(priceTiyn: number, guaranteedTiyn: number | null | undefined): number {
  return priceTiyn - surchargeTiyn(priceTiyn, guaranteedTiyn);
}

// ---------------------------------------------------------------------------------------------------
// The order's life

export const GOODS_STATUSES = [
  'created',
  'awaiting_supplier',
  'reserved',
  'available_stationary',
  'home_visit_scheduled',
  'available_pickup',
  'with_courier',
  'issued_stationary',
  'issued_home',
  'issued_pickup',
  'delivered_courier',
  'deleted',
  'cancelled_by_recipient',
  'declined',
  'withdrawn',
] as const;
export type GoodsStatus = (typeof GOODS_STATUSES)[number];

export const GOODS_ACTIONS = [
  'confirm',
  'delete',
  'cancel',
  'reserve',
  'decline',
  'make_available_stationary',
  'schedule_home_visit',
  'make_available_pickup',
  'hand_to_courier',
  'issue_stationary',
  'issue_home',
  'issue_pickup',
  'deliver',
  'withdraw',
] as const;
export type GoodsAction = (typeof GOODS_ACTIONS)[number];

const RECIPIENT = ['recipient', 'guardian'] as const;
const SUPPLIER = ['employee'] as const;

/** What a row's guard looks at besides the status: the order's way of reaching the recipient. */
export interface GoodsContext {
  fulfilment: Fulfilment;
}

/**
 * What a step does besides changing the status (the fulfilment service runs it in the same
 * transaction): keep the signed reimbursement application, reserve an item at a location, release a
 * reservation, hand the parcel to KazPost with a track number, hand the item over.
 */
export type GoodsEffect = 'keepApplication' | 'reserve' | 'release' | 'ship' | 'handOver';

/** The order document the recipient signs in the creation window (before there is an order). */
export const CREATE_DOCUMENT: StepDocument = { kind: 'order', purpose: 'goods.create', signer: 'individual' };

const recipientDoc = (action: GoodsAction, kind: DocumentKind): StepDocument => ({
  kind,
  purpose: `goods.${action}`,
  signer: 'individual',
});
const supplierDoc = (action: GoodsAction, kind: DocumentKind): StepDocument => ({
  kind,
  purpose: `goods.${action}`,
  signer: 'employee',
});

/** A step of one fulfilment only (steps without this guard apply to every fulfilment). */
const only =
  (f: Fulfilment) =>
  (ctx: GoodsContext): string | null =>
    ctx.fulfilment === f ? null : 'order_action_not_allowed';

type Row = Transition<GoodsStatus, GoodsAction, GoodsContext, GoodsEffect>;

/** A supplier's forward step of one fulfilment, signed as a status change. */
const supplierStep = (
  from: GoodsStatus,
  action: GoodsAction,
  to: GoodsStatus,
  f: Fulfilment,
  extra: Partial<Row> = {},
): Row => ({
  from: [from],
  action,
  by: SUPPLIER,
  signed: true,
  document: supplierDoc(action, 'status-change'),
  to,
  guard: only(f),
  ...extra,
});

/** A hand-over closes the order. */
const HAND_OVER: Partial<Row> = { closes: true, effect: 'handOver' };

const ROWS: Row[] = [
  {
    from: ['created'],
    action: 'confirm',
    by: RECIPIENT,
    signed: true,
    document: recipientDoc('confirm', 'reimbursement-application'),
    to: 'awaiting_supplier',
    effect: 'keepApplication',
  },
  {
    from: ['created'],
    action: 'delete',
    by: RECIPIENT,
    signed: true,
    document: recipientDoc('delete', 'refusal'),
    to: 'deleted',
    closes: true,
    effect: 'release',
  },
  {
    from: ['awaiting_supplier'],
    action: 'cancel',
    by: RECIPIENT,
    signed: true,
    document: recipientDoc('cancel', 'refusal'),
    to: 'cancelled_by_recipient',
    closes: true,
    effect: 'release',
  },
  {
    from: ['awaiting_supplier'],
    action: 'reserve',
    by: SUPPLIER,
    signed: true,
    document: supplierDoc('reserve', 'confirmation'),
    to: 'reserved',
    effect: 'reserve',
  },
  {
    from: ['awaiting_supplier', 'reserved'],
    action: 'decline',
    by: SUPPLIER,
    signed: true,
    document: supplierDoc('decline', 'refusal'),
    to: 'declined',
    closes: true,
    reasonRequired: true,
    effect: 'release',
  },
  supplierStep('reserved', 'make_available_stationary', 'available_stationary', 'stationary'),
  supplierStep('reserved', 'schedule_home_visit', 'home_visit_scheduled', 'home'),
  supplierStep('reserved', 'make_available_pickup', 'available_pickup', 'pickup'),
  supplierStep('reserved', 'hand_to_courier', 'with_courier', 'courier', { effect: 'ship' }),
  supplierStep('available_stationary', 'issue_stationary', 'issued_stationary', 'stationary', HAND_OVER),
  supplierStep('home_visit_scheduled', 'issue_home', 'issued_home', 'home', HAND_OVER),
  supplierStep('available_pickup', 'issue_pickup', 'issued_pickup', 'pickup', HAND_OVER),
  supplierStep('with_courier', 'deliver', 'delivered_courier', 'courier', HAND_OVER),
  // the administrator excluded the supplier: an order not yet handed over (nor to the courier) is
  // cancelled by the portal with the reason and its reservation released (docs/participants.md)
  {
    from: [
      'created',
      'awaiting_supplier',
      'reserved',
      'available_stationary',
      'home_visit_scheduled',
      'available_pickup',
    ],
    action: 'withdraw',
    by: [],
    signed: false,
    to: 'withdrawn',
    closes: true,
    reasonRequired: true,
    effect: 'release',
  },
];

export const goodsMachine = new StateMachine<GoodsStatus, GoodsAction, GoodsContext, GoodsEffect>(
  'goods',
  ['created'],
  ROWS,
  // the order ends where a closing step leads: a hand-over or a refusal
  [...new Set(ROWS.filter((t) => t.closes).map((t) => t.to))],
  // open (in progress), done (handed over), closed (ended without hand-over: the terminal default)
  { issued_stationary: 'done', issued_home: 'done', issued_pickup: 'done', delivered_courier: 'done' },
);

/** The item reaches the recipient: the measure's volume is used, stock leaves, Е-Собес is told. */
export const HANDOVER_ACTIONS: readonly GoodsAction[] = goodsMachine.transitions
  .filter((t) => t.effect === 'handOver')
  .map((t) => t.action);

export function isHandover(action: GoodsAction): boolean {
  return HANDOVER_ACTIONS.includes(action);
}

/** The recipient may cancel (or delete) until the supplier confirms the stock. */
export function recipientMayCancel(status: GoodsStatus): boolean {
  return goodsMachine.can(status, 'cancel', RECIPIENT) || goodsMachine.can(status, 'delete', RECIPIENT);
}

export function isGoodsStatus(s: string): s is GoodsStatus {
  return (GOODS_STATUSES as readonly string[]).includes(s);
}

export function isGoodsAction(s: string): s is GoodsAction {
  return (GOODS_ACTIONS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------------
// Hand-over time

/**
 * Parses the hand-over moment typed by the supplier ('YYYY-MM-DDTHH:mm', Astana time) and checks it
 * lies between the order's reservation and now. Returns the instant or an error code.
 */
export function parseHandoverTime(
  input: string,
  bounds: { notBefore: Date; now: Date },
):
  | { ok: true; at: Date }
  | { ok: false; code: 'handoverTimeInvalid' | 'handoverTimeFuture' | 'handoverTimeTooEarly' } {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(input)) return { ok: false, code: 'handoverTimeInvalid' };
  const dt = DateTime.fromISO(input, { zone: ASTANA_ZONE });
  if (!dt.isValid) return { ok: false, code: 'handoverTimeInvalid' };
  const at = dt.toJSDate();
  // the minute typed may be the current one: compare with the end of the current minute
  if (at.getTime() > bounds.now.getTime() + 60_000) return { ok: false, code: 'handoverTimeFuture' };
  const floor = DateTime.fromJSDate(bounds.notBefore).setZone(ASTANA_ZONE).startOf('minute').toJSDate();
  if (at.getTime() < floor.getTime()) return { ok: false, code: 'handoverTimeTooEarly' };
  return { ok: true, at };
}

/** 'YYYY-MM-DDTHH:mm' in Astana for a datetime-local input's default value. */
export function toLocalInput(d: Date): string {
  return DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toFormat("yyyy-MM-dd'T'HH:mm");
}

// ---------------------------------------------------------------------------------------------------
// Photos

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const PHOTOS_PER_GOODS = 6;

/** The verdict on an upload from its size and the type detected from its content (never its name). */
export function checkPhoto(
  size: number,
  detectedMime: string | undefined,
):
  | { ok: true; mime: (typeof PHOTO_TYPES)[number] }
  | { ok: false; code: 'photoEmpty' | 'photoTooLarge' | 'photoType' } {
  if (size <= 0) return { ok: false, code: 'photoEmpty' };
  if (size > PHOTO_MAX_BYTES) return { ok: false, code: 'photoTooLarge' };
  const mime = PHOTO_TYPES.find((m) => m === detectedMime);
  if (!mime) return { ok: false, code: 'photoType' };
  return { ok: true, mime };
}

// ---------------------------------------------------------------------------------------------------
// Supplier directions (rules, item 13)

export { DIRECTIONS, KZ_REGIONS, type Direction } from '../directory/lists.js';
