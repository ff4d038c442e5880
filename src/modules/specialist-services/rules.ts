/**
 * The pure rules of specialist services (УЖЯ/УИП): the order's life as a state machine, the reasons
 * a party may give, the journal's day and hour rules, the confirmation codes, the act periods and the
 * act files. No database, no HTTP: unit tests walk these.
 */
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { StateMachine } from '../orders/state-machine.js';
import { isCalendarDate } from '../../lib/schema-blocks.js';

export type ServiceHelpType = 'UZHYA' | 'UIP';
export const SERVICE_HELP_TYPES: readonly ServiceHelpType[] = ['UZHYA', 'UIP'];

const SLUGS: Record<string, ServiceHelpType> = { uzhya: 'UZHYA', uip: 'UIP' };

export function helpTypeFromSlug(slug: string): ServiceHelpType | null {
  return SLUGS[slug.toLowerCase()] ?? null;
}

export function slugOf(helpType: ServiceHelpType): string {
  return helpType.toLowerCase();
}

export function isServiceHelpType(v: unknown): v is ServiceHelpType {
  return v === 'UZHYA' || v === 'UIP';
}

// ---------------------------------------------------------------------------------------------
// The order's life

export type ServiceStatus =
  | 'created'
  | 'awaiting_specialist'
  | 'in_progress'
  | 'completed'
  | 'deleted'
  | 'cancelled_by_recipient'
  | 'rejected'
  | 'cancelled_by_specialist';

export type ServiceAction =
  | 'create'
  | 'delete'
  | 'confirm'
  | 'cancel'
  | 'accept'
  | 'reject'
  | 'refuse'
  | 'complete'
  | 'specialist_cancel';

const RECIPIENT = ['recipient', 'guardian'] as const;
const SPECIALIST = ['specialist'] as const;

/**
 * Seed 000 items 19–32 and seed 001: «Создан» → «Удалить» or «Подтвердить» (signed «Заявление на
 * возмещение») → «Ожидается подтверждение специалиста» → «Отменить» by the recipient, or the
 * specialist «Подтвердить» (signed) → «На исполнении» / «Отклонить» (reason, signed); during execution
 * the recipient «Отказаться» (reason, signed); the journal closes the order «Выполнен» when the volume
 * is used up; after an act with the end flag the specialist «Отмена заказа» (reason, signed).
 */
export const serviceMachine = new StateMachine<ServiceStatus, ServiceAction>(
  'service',
  ['created'],
  [
    { from: [], action: 'create', by: RECIPIENT, signed: true, to: 'created' },
    { from: ['created'], action: 'delete', by: RECIPIENT, signed: false, to: 'deleted', closes: true },
    { from: ['created'], action: 'confirm', by: RECIPIENT, signed: true, to: 'awaiting_specialist' },
    {
      from: ['awaiting_specialist'],
      action: 'cancel',
      by: RECIPIENT,
      signed: true,
      to: 'cancelled_by_recipient',
      closes: true,
    },
    { from: ['awaiting_specialist'], action: 'accept', by: SPECIALIST, signed: true, to: 'in_progress' },
    {
      from: ['awaiting_specialist'],
      action: 'reject',
      by: SPECIALIST,
      signed: true,
      to: 'rejected',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['in_progress'],
      action: 'refuse',
      by: RECIPIENT,
      signed: true,
      to: 'cancelled_by_recipient',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['in_progress'],
      action: 'complete',
      by: SPECIALIST,
      signed: false,
      to: 'completed',
      closes: true,
    },
    {
      from: ['in_progress'],
      action: 'specialist_cancel',
      by: SPECIALIST,
      signed: true,
      to: 'cancelled_by_specialist',
      closes: true,
      reasonRequired: true,
    },
  ],
  ['completed', 'deleted', 'cancelled_by_recipient', 'rejected', 'cancelled_by_specialist'],
);

/** Statuses in which the order shows reasons («Просмотреть причины»). */
export const REASON_STATUSES: readonly ServiceStatus[] = [
  'cancelled_by_recipient',
  'rejected',
  'cancelled_by_specialist',
];

/** Orders a specialist sees: those the recipient has sent (not a draft the recipient may still delete). */
export const SPECIALIST_VISIBLE: readonly ServiceStatus[] = [
  'awaiting_specialist',
  'in_progress',
  'completed',
  'cancelled_by_recipient',
  'rejected',
  'cancelled_by_specialist',
];

export type ReasonAction = 'refuse' | 'reject' | 'specialist_cancel' | 'cancel';

/** The reasons each party may choose; 'other' needs a comment. Texts: services:reasons.<code>. */
export const REASONS: Record<ReasonAction, readonly string[]> = {
  refuse: ['quality', 'schedule', 'moved', 'otherSpecialist', 'notNeeded', 'other'],
  cancel: ['changedMind', 'otherSpecialist', 'notNeeded', 'other'],
  reject: ['busy', 'distance', 'exclusion', 'health', 'other'],
  specialist_cancel: ['jointWorkEnded', 'recipientRequest', 'other'],
};

export function isReasonFor(action: ReasonAction, code: string): boolean {
  return REASONS[action].includes(code);
}

// ---------------------------------------------------------------------------------------------
// The journal

export const MAX_HOURS_PER_DAY = 8;
export const UZHYA_FORMATS = ['in_person', 'remote'] as const;
export type UzhyaFormat = (typeof UZHYA_FORMATS)[number];

export function isIsoDate(v: string): boolean {
  return isCalendarDate(v);
}

/** 'YYYY-MM' of a calendar date. */
export function periodOf(day: string): string {
  return day.slice(0, 7);
}

/** The last day of the month before the day's month (YYYY-MM-DD). */
export function endOfPreviousMonth(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  const last = new Date(Date.UTC(y, m - 1, 0));
  return last.toISOString().slice(0, 10);
}

export function isPeriod(v: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(v) && isCalendarDate(`${v}-01`);
}

/** First and last calendar day of a period. */
export function periodBounds(period: string): { first: string; last: string } {
  const d = DateTime.fromISO(`${period}-01`);
  return { first: d.toISODate()!, last: d.endOf('month').toISODate()! };
}

/** Every period from `from` to `to` inclusive (both 'YYYY-MM'), oldest first. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(`${from}-01`);
  const end = DateTime.fromISO(`${to}-01`);
  while (d <= end && out.length < 240) {
    out.push(d.toFormat('yyyy-MM'));
    d = d.plus({ months: 1 });
  }
  return out;
}

export type DayProblem = 'invalid' | 'beforeConfirmation' | 'future';

/** A journal entry's day lies between the order's confirmation and today (Astana calendar). */
export function entryDayProblem(day: string, confirmedOn: string | null, today: string): DayProblem | null {
  if (!isIsoDate(day)) return 'invalid';
  if (!confirmedOn || day < confirmedOn) return 'beforeConfirmation';
  if (day > today) return 'future';
  return null;
}

export type HoursProblem = 'invalid' | 'specialistDay' | 'recipientDay' | 'volume';

/**
 * The hours of one entry: a whole number 1..8; with the hours already recorded that day no more than
 * 8 for the specialist and for the recipient, across all services; never beyond the remaining volume.
 * (A preview: the database enforces the same limits under concurrency.)
 */
export function hoursProblem(
  hours: number,
  already: { specialistDay: number; recipientDay: number; remainingVolume: number },
): HoursProblem | null {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS_PER_DAY) return 'invalid';
  if (already.specialistDay + hours > MAX_HOURS_PER_DAY) return 'specialistDay';
  if (already.recipientDay + hours > MAX_HOURS_PER_DAY) return 'recipientDay';
  if (hours > already.remainingVolume) return 'volume';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Confirmation codes for the hours

export const CODE_TTL_MINUTES = 10;
export const MAX_CODE_ATTEMPTS = 5;
/** codes sent per order and hour: each is an SMS to the recipient and five more guesses */
export const CODES_PER_HOUR = 5;

export function generateCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Codes are kept only as a keyed hash bound to their row. */
export function hashCode(secret: string, codeId: number, code: string): string {
  return crypto.createHmac('sha256', secret).update(`service-hours:${codeId}:${code}`).digest('hex');
}

export function codesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export type CodeProblem = 'used' | 'blocked' | 'expired' | 'superseded';

export function codeStateProblem(
  code: { state: string; expires_at: Date; attempts: number },
  now: Date,
): CodeProblem | null {
  if (code.state === 'used') return 'used';
  if (code.state === 'superseded') return 'superseded';
  if (code.state === 'blocked' || code.attempts >= MAX_CODE_ATTEMPTS) return 'blocked';
  if (new Date(code.expires_at).getTime() <= now.getTime()) return 'expired';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Acts

export const MAX_ACT_BYTES = 10 * 1024 * 1024;
export const ACT_FILE_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

export type FileProblem = 'missing' | 'empty' | 'tooLarge' | 'badType';

/** A scanned act: present, not empty, at most 10 MB, and a PDF, JPEG or PNG by its content. */
export function actFileProblem(
  file: { size: number } | null,
  detectedMime: string | null,
): FileProblem | null {
  if (!file) return 'missing';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_ACT_BYTES) return 'tooLarge';
  if (!detectedMime || !(detectedMime in ACT_FILE_TYPES)) return 'badType';
  return null;
}

/** Periods an act may be sent for: from the confirmation month to the current month. */
export function actPeriods(confirmedOn: string | null, today: string): string[] {
  if (!confirmedOn) return [];
  return periodsBetween(periodOf(confirmedOn), periodOf(today));
}

/** A file name safe for a Content-Disposition header and a file system. */
export function safeFileName(name: string, fallbackExt: string): string {
  const base = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return base || `act.${fallbackExt}`;
}
