/**
 * Sanatorium-resort treatment: the pure rules (no database). The order's machine, the money (the state
 * pays up to the guaranteed sum per stay, the recipient the rest, as for ТСР goods), the accompanying
 * person rule and the dates of a period («заезд»).
 */
import { DateTime } from 'luxon';
import { StateMachine, type StepDocument, type Transition } from '../orders/state-machine.js';

/** The medical profiles a sanatorium treats and an IPR measure names. */
export const PROFILES = [
  'musculoskeletal',
  'neurological',
  'cardiovascular',
  'respiratory',
  'digestive',
  'general',
] as const;
export type Profile = (typeof PROFILES)[number];

export const ACCESSIBILITY = ['wheelchair', 'lift', 'adapted_rooms', 'sign_language'] as const;
export type Accessibility = (typeof ACCESSIBILITY)[number];

export const STATUSES = [
  'created',
  'awaiting_sanatorium',
  'confirmed',
  'arrived',
  'completed',
  'departed_early',
  'no_show',
  'declined',
  'cancelled',
  'deleted',
  'refused',
] as const;
export type SanatoriumStatus = (typeof STATUSES)[number];

export const ACTIONS = [
  'confirm',
  'delete',
  'cancel',
  'refuse',
  'accept',
  'decline',
  'arrive',
  'no_show',
  'depart_early',
  'complete',
] as const;
export type SanatoriumAction = (typeof ACTIONS)[number];

export const RECIPIENT_ACTIONS = ['confirm', 'delete', 'cancel', 'refuse'] as const;
export type RecipientAction = (typeof RECIPIENT_ACTIONS)[number];
export const SANATORIUM_ACTIONS = [
  'accept',
  'decline',
  'arrive',
  'no_show',
  'depart_early',
  'complete',
] as const;
export type SanatoriumSideAction = (typeof SANATORIUM_ACTIONS)[number];

/** What a guard looks at: today and the period's first and last day (Astana dates). */
export interface SanatoriumContext {
  today: string;
  startsOn: string;
  endsOn: string;
}

/**
 * What a step does besides the status: keep the signed reimbursement application, issue the voucher,
 * release the held places, record the arrival, end the stay (volume used, Е-Собес told).
 */
export type SanatoriumEffect = 'keepApplication' | 'voucher' | 'release' | 'arrive' | 'endStay';

/** The order document signed at «Создать» (before there is an order): it holds the places. */
export const CREATE_DOCUMENT: StepDocument = {
  kind: 'order',
  purpose: 'sanatorium.create',
  signer: 'individual',
};

const RECIPIENT = ['recipient', 'guardian'] as const;
const SANATORIUM = ['employee'] as const;

type Row = Transition<SanatoriumStatus, SanatoriumAction, SanatoriumContext, SanatoriumEffect>;

const doc = (action: SanatoriumAction, kind: StepDocument['kind'], signer: StepDocument['signer']) => ({
  kind,
  purpose: `sanatorium.${action}`,
  signer,
});

const ROWS: Row[] = [
  {
    from: ['created'],
    action: 'confirm',
    by: RECIPIENT,
    signed: true,
    document: doc('confirm', 'reimbursement-application', 'individual'),
    to: 'awaiting_sanatorium',
    effect: 'keepApplication',
  },
  {
    from: ['created'],
    action: 'delete',
    by: RECIPIENT,
    signed: true,
    document: doc('delete', 'refusal', 'individual'),
    to: 'deleted',
    closes: true,
    effect: 'release',
  },
  {
    from: ['awaiting_sanatorium'],
    action: 'cancel',
    by: RECIPIENT,
    signed: true,
    document: doc('cancel', 'refusal', 'individual'),
    to: 'cancelled',
    closes: true,
    effect: 'release',
  },
  // after the sanatorium's confirmation the recipient may still refuse the voucher, with a reason
  {
    from: ['confirmed'],
    action: 'refuse',
    by: RECIPIENT,
    signed: true,
    document: doc('refuse', 'refusal', 'individual'),
    to: 'refused',
    closes: true,
    reasonRequired: true,
    effect: 'release',
    guard: (c) => (c.today >= c.startsOn ? 'sanatorium:errors.periodStarted' : null),
  },
  {
    from: ['awaiting_sanatorium'],
    action: 'accept',
    by: SANATORIUM,
    signed: true,
    document: doc('accept', 'confirmation', 'employee'),
    to: 'confirmed',
    effect: 'voucher',
  },
  {
    from: ['awaiting_sanatorium'],
    action: 'decline',
    by: SANATORIUM,
    signed: true,
    document: doc('decline', 'refusal', 'employee'),
    to: 'declined',
    closes: true,
    reasonRequired: true,
    effect: 'release',
  },
  {
    from: ['confirmed'],
    action: 'arrive',
    by: SANATORIUM,
    signed: true,
    document: doc('arrive', 'status-change', 'employee'),
    to: 'arrived',
    effect: 'arrive',
    guard: (c) => (c.today < c.startsOn ? 'sanatorium:errors.notYetArrivalDay' : null),
  },
  {
    from: ['confirmed'],
    action: 'no_show',
    by: SANATORIUM,
    signed: true,
    document: doc('no_show', 'status-change', 'employee'),
    to: 'no_show',
    closes: true,
    effect: 'release',
    guard: (c) => (c.today <= c.startsOn ? 'sanatorium:errors.noShowTooEarly' : null),
  },
  {
    from: ['arrived'],
    action: 'depart_early',
    by: SANATORIUM,
    signed: true,
    document: doc('depart_early', 'refusal', 'employee'),
    to: 'departed_early',
    closes: true,
    reasonRequired: true,
    effect: 'endStay',
  },
  {
    from: ['arrived'],
    action: 'complete',
    by: SANATORIUM,
    signed: true,
    document: doc('complete', 'status-change', 'employee'),
    to: 'completed',
    closes: true,
    effect: 'endStay',
    guard: (c) => (c.today < c.endsOn ? 'sanatorium:errors.stayNotOver' : null),
  },
];

export const sanatoriumMachine = new StateMachine<
  SanatoriumStatus,
  SanatoriumAction,
  SanatoriumContext,
  SanatoriumEffect
>('sanatorium', ['created'], ROWS, [...new Set(ROWS.filter((t) => t.closes).map((t) => t.to))], {
  completed: 'done',
  departed_early: 'done',
  confirmed: 'done',
  awaiting_sanatorium: 'warning',
});

export function isRecipientAction(a: string): a is RecipientAction {
  return (RECIPIENT_ACTIONS as readonly string[]).includes(a);
}

export function isSanatoriumAction(a: string): a is SanatoriumSideAction {
  return (SANATORIUM_ACTIONS as readonly string[]).includes(a);
}

// ---------------------------------------------------------------------------------------------------
// Money (integer tiyn)

/** The price of a stay: the recipient's place, plus the accompanying person's when one comes. */
export function stayPriceTiyn(priceTiyn: number, companionPriceTiyn: number, withCompanion: boolean): number {
  for (const v of [priceTiyn, companionPriceTiyn])
    if (!Number.isSafeInteger(v) || v < 0) throw new Error('money must be non-negative integer tiyn');
  return priceTiyn + (withCompanion ? companionPriceTiyn : 0);
}

/** Доплата: max(0, price − guaranteed sum), as for ТСР goods. */
export function surchargeTiyn(priceTiyn: number, guaranteedTiyn: number | null | undefined): number {
  const g = guaranteedTiyn ?? 0;
  if (!Number.isSafeInteger(priceTiyn) || priceTiyn < 0 || !Number.isSafeInteger(g) || g < 0)
    throw new Error('money must be non-negative integer tiyn');
  return Math.max(0, priceTiyn - g);
}

export function reimbursementTiyn(priceTiyn: number, guaranteedTiyn: number | null | undefined): number {
  return priceTiyn - surchargeTiyn(priceTiyn, guaranteedTiyn);
}

// ---------------------------------------------------------------------------------------------------
// The accompanying person

/**
 * Whether the order may include an accompanying person: only where the measure allows it, and only
 * when the period still has a place for one. Returns null when fine, else the error text key.
 */
export function companionRule(
  wanted: boolean,
  measureAllows: boolean,
  companionPlacesFree: number,
): string | null {
  if (!wanted) return null;
  if (!measureAllows) return 'sanatorium:errors.companionNotAllowed';
  if (companionPlacesFree < 1) return 'sanatorium:errors.noCompanionPlaces';
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Dates

/** The last day of a stay of `days` days starting on `startsOn` (both Astana dates). */
export function endsOn(startsOn: string, days: number): string {
  return DateTime.fromISO(startsOn)
    .plus({ days: days - 1 })
    .toISODate()!;
}

/** The days actually spent from the first day to `lastDay` (inclusive), within the stay's length. */
export function daysStayed(startsOn: string, lastDay: string, days: number): number {
  const n = Math.floor(DateTime.fromISO(lastDay).diff(DateTime.fromISO(startsOn), 'days').days) + 1;
  return Math.min(days, Math.max(1, n));
}

/** 'YYYY-MM' of a date, for the month filter and the report. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** Whether a sanatorium treating these profiles fits a measure's profile ('general' fits every measure). */
export function profileMatches(profiles: readonly string[], measureProfile: string | null): boolean {
  if (!measureProfile) return true;
  return profiles.includes(measureProfile) || profiles.includes('general');
}
