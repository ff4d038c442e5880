/**
 * ТСР goods: the pure rules (no database). Money is integer tiyn; the state pays up to the ТСР kind's
 * guaranteed sum, the recipient pays the rest (доплата) at hand-over.
 */
import { DateTime } from 'luxon';
import { StateMachine } from '../orders/state-machine.js';
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
] as const;
export type GoodsAction = (typeof GOODS_ACTIONS)[number];

const RECIPIENT = ['recipient', 'guardian'] as const;
const SUPPLIER = ['employee'] as const;

export const goodsMachine = new StateMachine<GoodsStatus, GoodsAction>(
  'goods',
  ['created'],
  [
    { from: ['created'], action: 'confirm', by: RECIPIENT, signed: true, to: 'awaiting_supplier' },
    { from: ['created'], action: 'delete', by: RECIPIENT, signed: true, to: 'deleted', closes: true },
    {
      from: ['awaiting_supplier'],
      action: 'cancel',
      by: RECIPIENT,
      signed: true,
      to: 'cancelled_by_recipient',
      closes: true,
    },
    { from: ['awaiting_supplier'], action: 'reserve', by: SUPPLIER, signed: true, to: 'reserved' },
    {
      from: ['awaiting_supplier', 'reserved'],
      action: 'decline',
      by: SUPPLIER,
      signed: true,
      to: 'declined',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['reserved'],
      action: 'make_available_stationary',
      by: SUPPLIER,
      signed: true,
      to: 'available_stationary',
    },
    {
      from: ['reserved'],
      action: 'schedule_home_visit',
      by: SUPPLIER,
      signed: true,
      to: 'home_visit_scheduled',
    },
    {
      from: ['reserved'],
      action: 'make_available_pickup',
      by: SUPPLIER,
      signed: true,
      to: 'available_pickup',
    },
    { from: ['reserved'], action: 'hand_to_courier', by: SUPPLIER, signed: true, to: 'with_courier' },
    {
      from: ['available_stationary'],
      action: 'issue_stationary',
      by: SUPPLIER,
      signed: true,
      to: 'issued_stationary',
      closes: true,
    },
    {
      from: ['home_visit_scheduled'],
      action: 'issue_home',
      by: SUPPLIER,
      signed: true,
      to: 'issued_home',
      closes: true,
    },
    {
      from: ['available_pickup'],
      action: 'issue_pickup',
      by: SUPPLIER,
      signed: true,
      to: 'issued_pickup',
      closes: true,
    },
    {
      from: ['with_courier'],
      action: 'deliver',
      by: SUPPLIER,
      signed: true,
      to: 'delivered_courier',
      closes: true,
    },
  ],
  [
    'issued_stationary',
    'issued_home',
    'issued_pickup',
    'delivered_courier',
    'deleted',
    'cancelled_by_recipient',
    'declined',
  ],
);

/** The fulfilment an action belongs to (actions not listed apply to every fulfilment). */
const ACTION_FULFILMENT: Partial<Record<GoodsAction, Fulfilment>> = {
  make_available_stationary: 'stationary',
  issue_stationary: 'stationary',
  schedule_home_visit: 'home',
  issue_home: 'home',
  make_available_pickup: 'pickup',
  issue_pickup: 'pickup',
  hand_to_courier: 'courier',
  deliver: 'courier',
};

/** The item reaches the recipient: the measure's volume is used, stock leaves, Е-Собес is told. */
export const HANDOVER_ACTIONS: readonly GoodsAction[] = [
  'issue_stationary',
  'issue_home',
  'issue_pickup',
  'deliver',
];

export function isHandover(action: GoodsAction): boolean {
  return HANDOVER_ACTIONS.includes(action);
}

export function actionFits(action: GoodsAction, fulfilment: Fulfilment): boolean {
  const f = ACTION_FULFILMENT[action];
  return f === undefined || f === fulfilment;
}

/** The buttons a person of these roles sees for an order in this status and fulfilment. */
export function actionsFor(
  status: GoodsStatus,
  fulfilment: Fulfilment,
  roles: readonly string[],
): GoodsAction[] {
  return goodsMachine
    .actionsFor(status, roles as Parameters<typeof goodsMachine.actionsFor>[1])
    .filter((a) => actionFits(a, fulfilment));
}

/** The recipient may cancel until the supplier confirms the stock. */
export function recipientMayCancel(status: GoodsStatus): boolean {
  return status === 'created' || status === 'awaiting_supplier';
}

export function isGoodsStatus(s: string): s is GoodsStatus {
  return (GOODS_STATUSES as readonly string[]).includes(s);
}

export function isGoodsAction(s: string): s is GoodsAction {
  return (GOODS_ACTIONS as readonly string[]).includes(s);
}

/** Which kind of signed document each step is (eds.md document kinds). */
export function documentKindFor(
  action: GoodsAction,
): 'reimbursement-application' | 'refusal' | 'confirmation' | 'status-change' {
  if (action === 'confirm') return 'reimbursement-application';
  if (action === 'delete' || action === 'cancel' || action === 'decline') return 'refusal';
  if (action === 'reserve') return 'confirmation';
  return 'status-change';
}

/** How the statuses look: open (in progress), done (handed over), closed (ended without hand-over). */
export function statusTone(s: GoodsStatus): 'open' | 'done' | 'closed' {
  if (s === 'issued_stationary' || s === 'issued_home' || s === 'issued_pickup' || s === 'delivered_courier')
    return 'done';
  if (s === 'deleted' || s === 'cancelled_by_recipient' || s === 'declined') return 'closed';
  return 'open';
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
