/**
 * Pure rules of the recipient's entitlements (no database, no clock of their own): the two-month
 * supplier-choice window, which action a measure offers on «Помощь для вас», where an order's card
 * lives, phone numbers, and the one-time codes that confirm them.
 */
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { ASTANA_ZONE, astanaDate } from '../../lib/clock.js';
import type { OrderKind } from '../orders/orders-repository.js';

/** Rules, item 10: supplier choice is open for two months from the notice. */
export const CHOICE_WINDOW_MONTHS = 2;
/** A phone confirmation code: six digits, alive five minutes, five attempts, used once. */
export const CODE_LENGTH = 6;
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** At most this many codes per person per hour (nobody can use the portal to flood a phone). */
export const CODES_PER_HOUR = 5;

export type HelpCategory = 'service' | 'tsr' | 'payment';
export type MeasureStatus = 'open' | 'choice_blocked' | 'activation_pending' | 'fulfilled' | 'closed';

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

/** Where supplier choice for a help type starts; null when the portal offers no choice (payments, sanatorium). */
export function choiceTarget(
  helpType: string,
  category: HelpCategory,
  measureId: number,
): { href: string; labelKey: 'chooseSupplier' | 'choose' } | null {
  if (helpType === 'MSU') return { href: `/msu?measure=${measureId}`, labelKey: 'chooseSupplier' };
  if (helpType === 'UZHYA') return { href: '/services/uzhya/specialists', labelKey: 'chooseSupplier' };
  if (helpType === 'UIP') return { href: '/services/uip/specialists', labelKey: 'chooseSupplier' };
  if (category === 'tsr') return { href: `/goods/${encodeURIComponent(helpType)}`, labelKey: 'choose' };
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
  }
}

/** The locale namespace that names an order kind's statuses (`<ns>:status.<code>`). */
export function statusNamespace(kind: OrderKind): 'msu' | 'services' | 'goods' {
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
  return String(crypto.randomInt(0, 10 ** CODE_LENGTH)).padStart(CODE_LENGTH, '0');
}

/** Codes are kept only as a keyed hash, bound to their confirmation row (a leaked table reveals nothing usable). */
export function hashCode(secret: string, confirmationId: number, code: string): string {
  return crypto.createHmac('sha256', secret).update(`phone-code:${confirmationId}:${code}`).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
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
  if (status === 'fulfilled' && usedVolume < volume) return 'open';
  if ((status === 'open' || status === 'choice_blocked') && volume > 0 && usedVolume >= volume)
    return 'fulfilled';
  return status;
}
