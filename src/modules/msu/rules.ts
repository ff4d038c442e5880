/**
 * МСУ rules that need no database: the order's life as data, who fits a department, the arrival
 * deadline and the priority window in Astana time, queue arithmetic and the open-data CSV.
 */
import { DateTime } from 'luxon';
import { StateMachine, type StepDocument } from '../orders/state-machine.js';
import type { Role } from '../../lib/actor.js';
import { ASTANA_ZONE, astanaDate } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';

export const MSU_HELP_TYPE = 'MSU';

/** A text in each language an institution wrote it in. */
export type Texts = Partial<Record<'ru' | 'kk' | 'en', string>>;
/** calendar days the recipient has to arrive after a bed is held for them */
export const ARRIVAL_DAYS = 3;

export const PROFILES = ['general', 'psychoneurological', 'mercy', 'rehabilitation'] as const;
export type Profile = (typeof PROFILES)[number];
export const SEXES = ['any', 'M', 'F'] as const;
export type DepartmentSex = (typeof SEXES)[number];
export const AGE_GROUPS = ['any', 'children', 'adults', 'elderly'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const MSU_STATUSES = [
  'awaiting_arrival',
  'queued',
  'place_offered',
  'queue_cancelled',
  'offer_declined',
  'offer_lapsed',
  'enrolment_cancelled',
  'enrolled',
  'no_show',
  'discharged',
  'withdrawn',
] as const;
export type MsuStatus = (typeof MSU_STATUSES)[number];

export type MsuAction =
  | 'enrol'
  | 'queue'
  | 'cancel_queue'
  | 'offer'
  | 'accept_offer'
  | 'decline_offer'
  | 'lapse_offer'
  | 'cancel_enrolment'
  | 'arrive'
  | 'no_show'
  | 'discharge'
  | 'withdraw';

/** The purposes МСУ documents are signed for (the machine's rows and the bed count). */
export type MsuPurpose = `msu.${Exclude<MsuAction, 'offer' | 'lapse_offer' | 'withdraw'>}` | 'msu.beds';

/**
 * What the guards look at besides the status: the clock's "now", the order's arrival deadline
 * (YYYY-MM-DD, null when none) and, for a new order, the department's free beds.
 */
export interface MsuContext {
  now: Date;
  arrivalDeadline?: string | null;
  freeBeds?: number;
}

/** who orders a bed: the recipient, or a guardian for the ward */
export const RECIPIENT_ROLES: readonly Role[] = ['recipient', 'guardian'];
const RECIPIENT = RECIPIENT_ROLES;
const EMPLOYEE = ['employee'] as const;

const byRecipient = (kind: 'order' | 'refusal' | 'confirmation', action: MsuAction) =>
  ({ kind, purpose: `msu.${action}`, signer: 'individual' }) as const;
const byInstitution = (action: MsuAction) =>
  ({ kind: 'status-change', purpose: `msu.${action}`, signer: 'employee' }) as const;

/** «Записаться» only while a bed is free, «Встать в очередь» only while none is. */
const bedFree = (c: MsuContext) => ((c.freeBeds ?? 0) > 0 ? null : 'msu:errors.noFreeBeds');
const noBedFree = (c: MsuContext) => ((c.freeBeds ?? 0) > 0 ? 'msu:errors.freeBedsAvailable' : null);
/** A no-show may be recorded only once the arrival deadline has passed. */
const deadlinePassed = (c: MsuContext) =>
  noShowAllowed(c.arrivalDeadline ?? null, c.now) ? null : 'msu:errors.arrivalDeadlineNotPassed';

/** Seed 000 items 10–18 and the steps the seeds leave to the institution and the queue. */
export const msuMachine = new StateMachine<MsuStatus, MsuAction, MsuContext>(
  'msu',
  ['awaiting_arrival', 'queued'],
  [
    // a new order: «Записаться» holds a free bed, «Встать в очередь» takes a queue number
    {
      from: [],
      action: 'enrol',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('order', 'enrol'),
      guard: bedFree,
      to: 'awaiting_arrival',
    },
    {
      from: [],
      action: 'queue',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('order', 'queue'),
      guard: noBedFree,
      to: 'queued',
    },
    {
      from: ['queued', 'place_offered'],
      action: 'cancel_queue',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('refusal', 'cancel_queue'),
      to: 'queue_cancelled',
      closes: true,
      reasonRequired: true,
    },
    // the system offers a released bed to the first in the queue (no person's role)
    { from: ['queued'], action: 'offer', by: [], signed: false, to: 'place_offered' },
    {
      from: ['place_offered'],
      action: 'accept_offer',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('confirmation', 'accept_offer'),
      to: 'awaiting_arrival',
    },
    {
      from: ['place_offered'],
      action: 'decline_offer',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('refusal', 'decline_offer'),
      to: 'offer_declined',
      closes: true,
    },
    {
      from: ['place_offered'],
      action: 'lapse_offer',
      by: [],
      signed: false,
      to: 'offer_lapsed',
      closes: true,
    },
    {
      from: ['awaiting_arrival'],
      action: 'cancel_enrolment',
      by: RECIPIENT,
      signed: true,
      document: byRecipient('refusal', 'cancel_enrolment'),
      to: 'enrolment_cancelled',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['awaiting_arrival'],
      action: 'arrive',
      by: EMPLOYEE,
      signed: true,
      document: byInstitution('arrive'),
      to: 'enrolled',
    },
    {
      from: ['awaiting_arrival'],
      action: 'no_show',
      by: EMPLOYEE,
      signed: true,
      document: byInstitution('no_show'),
      guard: deadlinePassed,
      to: 'no_show',
      closes: true,
    },
    {
      from: ['enrolled'],
      action: 'discharge',
      by: EMPLOYEE,
      signed: true,
      document: byInstitution('discharge'),
      to: 'discharged',
      closes: true,
      reasonRequired: true,
    },
    // the administrator excluded the institution's organisation: what is not yet enrolled is cancelled
    // by the portal with the administrator's reason (docs/participants.md); the beds are left as they are
    {
      from: ['queued', 'place_offered', 'awaiting_arrival'],
      action: 'withdraw',
      by: [],
      signed: false,
      to: 'withdrawn',
      closes: true,
      reasonRequired: true,
    },
  ],
  [
    'queue_cancelled',
    'offer_declined',
    'offer_lapsed',
    'enrolment_cancelled',
    'no_show',
    'discharged',
    'withdrawn',
  ],
  // how a status is shown beside its name (never by colour alone: the name is always written)
  { enrolled: 'done', place_offered: 'warning', awaiting_arrival: 'open', queued: 'open' },
);

/** The bed count is no order's step, but it is signed like one. */
export const MSU_BEDS_DOCUMENT: StepDocument = {
  kind: 'bed-count-change',
  purpose: 'msu.beds' satisfies MsuPurpose,
  signer: 'employee',
};

/** A guard's refusal with what its message names (the arrival deadline as dd.mm.yyyy). */
function guardError(key: string, ctx: MsuContext): AppError {
  return new AppError(
    key,
    409,
    ctx.arrivalDeadline !== undefined ? { deadline: dayMonthYear(ctx.arrivalDeadline ?? '') } : {},
  );
}

/** Refuses when the action's guard does (a new order's guard, or a step's beside its status). */
export function checkGuard(action: MsuAction, ctx: MsuContext): void {
  const why = msuMachine.transitions.find((t) => t.action === action)?.guard?.(ctx);
  if (why) throw guardError(why, ctx);
}

/** The step from this status, for these roles, allowed by its guard now (or a readable refusal). */
export function requireStep(status: string, action: MsuAction, roles: readonly Role[], ctx: MsuContext) {
  const t = msuMachine.require(status as MsuStatus, action, roles);
  checkGuard(action, ctx);
  return t;
}

/** What a department offers a person who may order: a free bed to enrol in, else the queue. */
export function startAction(freeBeds: number, now: Date): 'enrol' | 'queue' {
  const t = msuMachine.transitions.find((x) => x.from.length === 0 && !x.guard?.({ now, freeBeds }));
  return t?.action === 'enrol' ? 'enrol' : 'queue';
}

/** YYYY-MM-DD as the messages write a day: dd.mm.yyyy. */
export function dayMonthYear(day: string): string {
  return day.split('-').reverse().join('.');
}

/** Full years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age--;
  return age;
}

export function fitsAgeGroup(group: AgeGroup, age: number): boolean {
  switch (group) {
    case 'children':
      return age < 18;
    case 'adults':
      return age >= 18;
    case 'elderly':
      return age >= 60;
    default:
      return true;
  }
}

/** Why a person cannot be placed in a department (null when they can). */
export function unsuitability(
  dept: { sex: DepartmentSex; age_group: AgeGroup },
  person: { sex: 'M' | 'F'; birth_date: string },
  today: string,
): 'sex' | 'age' | null {
  if (dept.sex !== 'any' && dept.sex !== person.sex) return 'sex';
  if (!fitsAgeGroup(dept.age_group, ageOn(person.birth_date, today))) return 'age';
  return null;
}

/** The last calendar day (Astana) on which the recipient may arrive. */
export function arrivalDeadline(now: Date, days = ARRIVAL_DAYS): string {
  return DateTime.fromJSDate(now).setZone(ASTANA_ZONE).plus({ days }).toISODate() ?? '';
}

/** A no-show may be recorded only once the arrival deadline has passed (the whole day, Astana time). */
export function noShowAllowed(deadline: string | null, now: Date): boolean {
  return deadline !== null && astanaDate(now) > deadline;
}

/** End of the priority window of an offered place: the same time of day, `days` calendar days later. */
export function priorityEndsAt(offeredAt: Date, days: number): Date {
  return DateTime.fromJSDate(offeredAt).setZone(ASTANA_ZONE).plus({ days }).toJSDate();
}

/** Position of an entry in its queue: 1 + the entries still waiting ahead of it. */
export function positionOf(seq: number, activeSeqs: readonly number[]): number {
  return activeSeqs.filter((s) => s < seq).length + 1;
}

/** Whole days (possibly fractional) between two instants, for the wait statistics. */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 86_400_000;
}

/** A reason typed by a person: trimmed, inner whitespace collapsed. */
export function cleanReason(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export { toCsv } from '../../lib/csv.js';

/** Start and end instants of an inclusive range of Astana calendar days (either side may be open). */
export function astanaDayRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  if (from) out.from = DateTime.fromISO(from, { zone: ASTANA_ZONE }).startOf('day').toJSDate();
  if (to) out.to = DateTime.fromISO(to, { zone: ASTANA_ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
  return out;
}

/** A new bed total may not drop below the beds that are taken (held, offered or lived in). */
export function checkBedTotal(dept: { beds_total: number; free: number }, total: number): void {
  if (!Number.isInteger(total) || total < 0 || total > 10_000)
    throw new AppError('msu:errors.bedsInvalid', 400);
  const occupied = dept.beds_total - dept.free;
  if (total < occupied) throw new AppError('msu:errors.bedsBelowOccupied', 409, { occupied });
}
