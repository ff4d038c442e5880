/**
 * Pure rules of the recipient's entitlements (no database, no clock of their own): the two-month
 * supplier-choice window, which action a measure offers on «Помощь для вас», where an order's card
 * lives, phone numbers, and the one-time codes that confirm them.
 */
import { DateTime } from 'luxon';
import { ASTANA_ZONE, astanaDate } from '../../lib/clock.js';
import { keyedCodeHash, randomDigits, sameHexHash } from '../../lib/one-time-code.js';
import type { OrderKind } from '../orders/orders-repository.js';
import { StateMachine, type Tone } from '../orders/state-machine.js';

/** Rules, item 10: supplier choice is open for two months from the notice. */
export const CHOICE_WINDOW_MONTHS = 2;
/** A phone confirmation code: six digits, alive five minutes, five attempts, used once. */
export const CODE_LENGTH = 6;
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** At most this many codes per person per hour (nobody can use the portal to flood a phone). */
export const CODES_PER_HOUR = 5;

export type HelpCategory = 'service' | 'tsr' | 'payment';

/**
 * An IPR measure's statuses (the one list; the migration's CHECK holds the same five): open for
 * supplier choice, choice blocked after two months, activation requested from Е-Собес, fulfilled
 * (no volume left), closed (by Е-Собес).
 */
export const MEASURE_STATUSES = [
  'open',
  'choice_blocked',
  'activation_pending',
  'fulfilled',
  'closed',
] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/** How a measure's status changes (rules, items 9–10): the window, its activation, the volume. */
export type MeasureChange = 'block_choice' | 'request_activation' | 'reopen' | 'exhaust' | 'replenish';

/**
 * A measure's life as data. Nobody but the recipient (or their representative) acts on a measure by
 * hand: the window job blocks choice, Е-Собес re-opens it by sending the measure again and changes
 * its volume, and orders use the volume up.
 */
export const measureMachine = new StateMachine<MeasureStatus, MeasureChange>(
  'ipr_measure',
  // a new measure is open, or fulfilled at once when Е-Собес assigns no volume
  ['open', 'fulfilled'],
  [
    // the scheduled job, two months after the notice, when no order of the help type is open
    { from: ['open'], action: 'block_choice', by: [], signed: false, to: 'choice_blocked' },
    // «Активировать выбор поставщика» (the rules quote it in the genitive: «активации выбора поставщика»)
    {
      from: ['choice_blocked'],
      action: 'request_activation',
      by: ['recipient', 'guardian'],
      signed: false,
      to: 'activation_pending',
    },
    // Е-Собес sends the measure again: the two-month window starts anew
    { from: ['activation_pending'], action: 'reopen', by: [], signed: false, to: 'open' },
    // the volume is used up (an order consumed the rest, or Е-Собес lowered the volume to what was used)
    {
      from: ['open', 'choice_blocked', 'activation_pending'],
      action: 'exhaust',
      by: [],
      signed: false,
      to: 'fulfilled',
    },
    // Е-Собес raised the volume of a fulfilled measure
    { from: ['fulfilled'], action: 'replenish', by: [], signed: false, to: 'open' },
  ],
  ['closed'],
  {
    open: 'open',
    choice_blocked: 'warning',
    activation_pending: 'warning',
    fulfilled: 'done',
    closed: 'closed',
  },
);

/** The status a measure takes by a change; a change the table does not allow from there is a bug. */
export function measureStep(from: MeasureStatus, change: MeasureChange): MeasureStatus {
  const t = measureMachine.find(from, change);
  if (!t) throw new Error(`ipr measure: ${change} is not possible from ${from}`);
  return t.to;
}

/** The status a measure is received in from Е-Собес. */
export function initialMeasureStatus(volume: number): MeasureStatus {
  return volume > 0 ? 'open' : 'fulfilled';
}

/** Statuses an order may still be created against (the rules then look at which one): all but closed. */
export const LIVE_MEASURE_STATUSES: readonly MeasureStatus[] = MEASURE_STATUSES.filter((s) =>
  measureMachine.isOpen(s),
);

/**
 * The Astana calendar date on which supplier choice becomes blocked: the notice's date plus two
 * months (the end of a shorter month clamps: 31 December → 28/29 February).
 */
export function choiceBlockedOn(notifiedAt: Date): string {
  return windowOf(notifiedAt).blockedOn;
}

/** The last Astana date on which the recipient may still choose a supplier. */
export function lastChoiceDay(notifiedAt: Date): string {
  return windowOf(notifiedAt).lastDay;
}

/** Both dates of a notice's window, remembered per notice instant («Помощь для вас» shows them for every measure). */
const windows = new Map<number, { blockedOn: string; lastDay: string }>();

function windowOf(notifiedAt: Date): { blockedOn: string; lastDay: string } {
  const key = notifiedAt.getTime();
  let w = windows.get(key);
  if (!w) {
    const blocked = DateTime.fromJSDate(notifiedAt)
      .setZone(ASTANA_ZONE)
      .startOf('day')
      .plus({ months: CHOICE_WINDOW_MONTHS });
    w = { blockedOn: blocked.toISODate()!, lastDay: blocked.minus({ days: 1 }).toISODate()! };
    if (windows.size >= 10_000) windows.clear();
    windows.set(key, w);
  }
  return w;
}

/** True once the window is over (Astana dates, so the boundary is midnight in Astana). */
export function isChoiceWindowOver(notifiedAt: Date, now: Date): boolean {
  return astanaDate(now) >= choiceBlockedOn(notifiedAt);
}

/** Where supplier choice for a help type starts; null when the portal offers no choice (payments). */
export function choiceTarget(
  helpType: string,
  category: HelpCategory,
  measureId: number,
): { href: string; labelKey: 'chooseSupplier' | 'choose' } | null {
  if (helpType === 'MSU') return { href: `/msu?measure=${measureId}`, labelKey: 'chooseSupplier' };
  if (helpType === 'UZHYA') return { href: '/services/uzhya/specialists', labelKey: 'chooseSupplier' };
  if (helpType === 'UIP') return { href: '/services/uip/specialists', labelKey: 'chooseSupplier' };
  if (category === 'tsr') return { href: `/goods/${encodeURIComponent(helpType)}`, labelKey: 'choose' };
  if (helpType === 'SANATORIUM') return { href: '/sanatorium', labelKey: 'chooseSupplier' };
  return null;
}

/** Help types whose supplier is chosen on the portal: the two-month window applies only to them. */
export function hasSupplierChoice(helpType: string, category: HelpCategory): boolean {
  return choiceTarget(helpType, category, 0) !== null;
}

export function orderCardHref(kind: OrderKind, orderId: number): string {
  switch (kind) {
    case 'msu':
      return `/msu/orders/${orderId}`;
    case 'service':
      return `/services/orders/${orderId}`;
    case 'goods':
      return `/goods/orders/${orderId}`;
    case 'sanatorium':
      return `/sanatorium/orders/${orderId}`;
  }
}

/** The locale namespace that names an order kind's statuses (`<ns>:status.<code>`). */
export function statusNamespace(kind: OrderKind): 'msu' | 'services' | 'goods' | 'sanatorium' {
  if (kind === 'sanatorium') return 'sanatorium';
  return kind === 'msu' ? 'msu' : kind === 'service' ? 'services' : 'goods';
}

export interface MeasureFacts {
  id: number;
  helpType: string;
  category: HelpCategory;
  status: MeasureStatus;
  volume: number;
  usedVolume: number;
  deadline: string | null;
}

export interface OpenOrderRef {
  id: number;
  number: string;
  kind: OrderKind;
}

/** What a measure offers on «Помощь для вас». */
export type MeasureAction =
  | { kind: 'choose'; href: string; labelKey: 'chooseSupplier' | 'choose' }
  | { kind: 'openOrder'; labelKey: 'chooseSupplier' | 'choose'; orderNumber: string; orderHref: string }
  | { kind: 'activate' }
  | { kind: 'activationPending' }
  | { kind: 'none'; reasonKey: 'noChoice' | 'fulfilled' | 'closed' | 'deadlinePassed' };

/**
 * The one action that fits a measure. An open order of the help type disables choice (one open
 * order per help type) and names that order; a blocked window offers activation; nothing is offered
 * when the portal has no supplier to choose, nothing remains, or the deadline has passed.
 */
export function measureAction(m: MeasureFacts, openOrder: OpenOrderRef | null, today: string): MeasureAction {
  const target = choiceTarget(m.helpType, m.category, m.id);
  if (!target) return { kind: 'none', reasonKey: 'noChoice' };
  if (m.status === 'closed') return { kind: 'none', reasonKey: 'closed' };
  if (openOrder)
    return {
      kind: 'openOrder',
      labelKey: target.labelKey,
      orderNumber: openOrder.number,
      orderHref: orderCardHref(openOrder.kind, openOrder.id),
    };
  if (m.status === 'fulfilled' || m.usedVolume >= m.volume) return { kind: 'none', reasonKey: 'fulfilled' };
  if (m.status === 'choice_blocked') return { kind: 'activate' };
  if (m.status === 'activation_pending') return { kind: 'activationPending' };
  if (m.deadline && m.deadline < today) return { kind: 'none', reasonKey: 'deadlinePassed' };
  return { kind: 'choose', href: target.href, labelKey: target.labelKey };
}

/** The status a person reads beside a measure (locale key `entitlements:measureStatus.<key>`). */
export function measureStatusKey(
  m: Pick<MeasureFacts, 'helpType' | 'category' | 'status' | 'volume' | 'usedVolume'>,
  hasOpenOrder: boolean,
): 'assigned' | 'choiceOpen' | 'ordered' | 'choiceBlocked' | 'activationPending' | 'fulfilled' | 'closed' {
  if (m.status === 'closed') return 'closed';
  if (m.status === 'fulfilled' || (m.volume > 0 && m.usedVolume >= m.volume)) return 'fulfilled';
  if (hasOpenOrder) return 'ordered';
  if (m.status === 'choice_blocked') return 'choiceBlocked';
  if (m.status === 'activation_pending') return 'activationPending';
  return hasSupplierChoice(m.helpType, m.category) ? 'choiceOpen' : 'assigned';
}

/** How a measure's status is shown beside its name: waiting on the window is a warning, fulfilled done. */
export function measureStatusTone(key: ReturnType<typeof measureStatusKey>): Tone {
  if (key === 'choiceBlocked' || key === 'activationPending') return 'warning';
  if (key === 'fulfilled') return 'done';
  return key === 'closed' ? 'closed' : 'open';
}

/** Kazakhstan mobile operators' codes (700–708, 747, 750–751, 760–764, 771, 775–778); 7172, 727… are landlines. */
const MOBILE = /^(?:\+7|8|7)?(7(?:0[0-8]|47|5[01]|6[0-4]|7[15-8])\d{7})$/;

/**
 * A Kazakhstan mobile number in the form +77XXXXXXXXX, from what people type: spaces, brackets,
 * dashes, a leading 8 or 7 or +7. Anything else is not a mobile number.
 */
export function normalisePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s()\-\u00a0.]/g, '');
  const m = MOBILE.exec(compact);
  return m ? `+7${m[1]}` : null;
}

/** +7 701 555 01 11 → +7 701 *** ** 11 (what pages and logs may show of a number being confirmed). */
export function maskPhone(phone: string): string {
  const m = /^\+7(\d{3})\d{5}(\d{2})$/.exec(phone);
  return m ? `+7 ${m[1]} *** ** ${m[2]}` : '***';
}

export function generateCode(): string {
  return randomDigits(CODE_LENGTH);
}

/** Codes are kept only as a keyed hash, bound to their confirmation row (a leaked table reveals nothing usable). */
export function hashCode(secret: string, confirmationId: number, code: string): string {
  return keyedCodeHash(secret, 'phone-code', confirmationId, code);
}

export function sameHash(a: string, b: string): boolean {
  return sameHexHash(a, b);
}

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'used' | 'tooManyAttempts';

/** Judges a code against its confirmation row, in this order: used, expired, attempts spent, value. */
export function checkCode(
  row: { consumed_at: Date | null; expires_at: Date; attempts: number; code_hash: string },
  candidateHash: string,
  now: Date,
): CodeCheck {
  if (row.consumed_at) return 'used';
  if (now.getTime() >= new Date(row.expires_at).getTime()) return 'expired';
  if (row.attempts >= CODE_MAX_ATTEMPTS) return 'tooManyAttempts';
  return sameHash(row.code_hash, candidateHash) ? 'ok' : 'wrong';
}

/** The fields of a measure Е-Собес may change; a re-sent measure counts as changed only when one differs. */
export function measureChanged(
  existing: { ipr_id: number; help_type: string; volume: number; deadline: string | null },
  incoming: { iprId: number; helpType: string; volume: number; deadline: string | null },
): boolean {
  return (
    existing.ipr_id !== incoming.iprId ||
    existing.help_type !== incoming.helpType ||
    existing.volume !== incoming.volume ||
    (existing.deadline ?? null) !== (incoming.deadline ?? null)
  );
}

/** The status after Е-Собес changes a measure's volume: more volume re-opens a fulfilled one, less may fulfil it. */
export function statusAfterVolumeChange(
  status: MeasureStatus,
  volume: number,
  usedVolume: number,
): MeasureStatus {
  const change = volumeChange(status, volume, usedVolume);
  return change ? measureStep(status, change) : status;
}

/** Which change a new volume makes (none while activation is pending: the re-sent measure re-opens then). */
export function volumeChange(
  status: MeasureStatus,
  volume: number,
  usedVolume: number,
): 'replenish' | 'exhaust' | null {
  if (status === 'fulfilled' && usedVolume < volume) return 'replenish';
  if ((status === 'open' || status === 'choice_blocked') && volume > 0 && usedVolume >= volume)
    return 'exhaust';
  return null;
}
