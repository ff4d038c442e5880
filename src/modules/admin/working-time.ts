/**
 * The contact centre's business calendar (rules, items 15–16): working days Monday to Friday except
 * holidays, 9:00–18:30 Astana time without a break. Deadlines count working time only; a request that
 * arrives outside working hours counts from the start of the next working day.
 *
 * Pure functions: no database, no clock. The caller passes the holidays (configuration plus the table
 * administrators edit) and the instants.
 */
import { DateTime, type Zone } from 'luxon';
import { ASTANA_ZONE } from '../../lib/clock.js';

export interface WorkingCalendar {
  /** calendar dates (YYYY-MM-DD, Astana) that are not working days even when they fall on Mon–Fri */
  holidays: ReadonlySet<string>;
  /** start and end of the working day in minutes after midnight */
  dayStartMinute: number;
  dayEndMinute: number;
  zone: string | Zone;
}

export const WORK_DAY_START = 9 * 60;
export const WORK_DAY_END = 18 * 60 + 30;
/** one working day of working time: 9 h 30 min */
export const WORKING_DAY_MINUTES = WORK_DAY_END - WORK_DAY_START;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a comma-separated holiday list (YYYY-MM-DD), ignoring blanks and anything malformed. */
export function parseHolidayList(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => ISO_DATE.test(s) && DateTime.fromISO(s).isValid);
}

export function workingCalendar(holidays: Iterable<string> = []): WorkingCalendar {
  return {
    holidays: new Set(holidays),
    dayStartMinute: WORK_DAY_START,
    dayEndMinute: WORK_DAY_END,
    zone: ASTANA_ZONE,
  };
}

export function isWorkingDay(isoDate: string, cal: WorkingCalendar): boolean {
  // the weekday of a calendar date does not depend on the zone: read it in UTC (cheap)
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return ISO_DATE.test(isoDate) && day >= 1 && day <= 5 && !cal.holidays.has(isoDate);
}

function minuteOfDay(d: DateTime): number {
  return d.hour * 60 + d.minute + d.second / 60 + d.millisecond / 60_000;
}

function dayAt(d: DateTime, minute: number): DateTime {
  return d.startOf('day').plus({ minutes: minute });
}

/** The first working day on or after the date of d, at the start of working hours. */
function nextWorkingDayStart(d: DateTime, cal: WorkingCalendar, includeToday: boolean): DateTime {
  let day = includeToday ? d.startOf('day') : d.startOf('day').plus({ days: 1 });
  for (let i = 0; i < 3660; i++) {
    if (isWorkingDay(day.toISODate() ?? '', cal)) return dayAt(day, cal.dayStartMinute);
    day = day.plus({ days: 1 });
  }
  throw new Error('no working day within ten years: check the holiday list');
}

/** Whether the instant falls within working hours (start inclusive, end exclusive). */
export function isWorkingTime(at: Date, cal: WorkingCalendar): boolean {
  const d = DateTime.fromJSDate(at, { zone: cal.zone });
  const m = minuteOfDay(d);
  return isWorkingDay(d.toISODate() ?? '', cal) && m >= cal.dayStartMinute && m < cal.dayEndMinute;
}

/**
 * When working time resumes: the instant itself during working hours, otherwise the start of the
 * next working day (rule 16: a request after hours is registered the next working day).
 */
export function workingStart(at: Date, cal: WorkingCalendar): Date {
  const d = DateTime.fromJSDate(at, { zone: cal.zone });
  const m = minuteOfDay(d);
  const working = isWorkingDay(d.toISODate() ?? '', cal);
  if (working && m >= cal.dayStartMinute && m < cal.dayEndMinute) return at;
  if (working && m < cal.dayStartMinute) return dayAt(d, cal.dayStartMinute).toJSDate();
  return nextWorkingDayStart(d, cal, false).toJSDate();
}

/**
 * The instant `minutes` of working time after `from`. Time outside working hours does not count; a
 * deadline that ends exactly at the close of a working day stays on that day (18:30, not 9:00 next day).
 */
export function addWorkingMinutes(from: Date, minutes: number, cal: WorkingCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('minutes must be a non-negative number');
  let cur: DateTime = DateTime.fromJSDate(workingStart(from, cal), { zone: cal.zone });
  let remaining = minutes;
  for (let i = 0; i < 100_000; i++) {
    const available = cal.dayEndMinute - minuteOfDay(cur);
    if (remaining <= available) return cur.plus({ minutes: remaining }).toJSDate();
    remaining -= available;
    cur = nextWorkingDayStart(cur, cal, false);
  }
  throw new Error('deadline too far away');
}

export function addWorkingDays(from: Date, days: number, cal: WorkingCalendar): Date {
  return addWorkingMinutes(from, days * (cal.dayEndMinute - cal.dayStartMinute), cal);
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  let cur: DateTime = DateTime.fromJSDate(workingStart(from, cal), { zone: cal.zone });
  const end = DateTime.fromJSDate(to, { zone: cal.zone });
  let total = 0;
  for (let i = 0; i < 100_000 && cur < end; i++) {
    const close = dayAt(cur, cal.dayEndMinute);
    const stop = end < close ? end : close;
    if (stop > cur) total += stop.diff(cur, 'minutes').minutes;
    cur = nextWorkingDayStart(cur, cal, false);
  }
  return Math.round(total * 1000) / 1000;
}

/** The deadlines of rule 15, in working time. */
export const SUPPORT_RULES = {
  /** 15.1: recorded in the request register within three hours of arrival */
  registerMinutes: 3 * 60,
  /** 15.2: analysed within one working day after it was recorded */
  analyseWorkingDays: 1,
  /** 15.3: a confirmed failure is escalated to the portal administrator within three hours */
  escalateMinutes: 3 * 60,
  /** 15.4–15.5: the participant is told of the confirmation or refutation within thirty minutes */
  outcomeNoticeMinutes: 30,
  /** 15.5: the administrator starts removing the causes within one working day of the escalation */
  fixStartWorkingDays: 1,
  /** 15.5: after the fix the participant is told again within three hours */
  fixedNoticeMinutes: 3 * 60,
} as const;

export type SupportStep = 'register' | 'analyse' | 'escalate' | 'outcomeNotice' | 'fixStart' | 'fixedNotice';

/** The limit of each step: working minutes or working days (SUPPORT_RULES). */
const STEP_LIMITS: Record<SupportStep, { minutes: number } | { days: number }> = {
  register: { minutes: SUPPORT_RULES.registerMinutes },
  analyse: { days: SUPPORT_RULES.analyseWorkingDays },
  escalate: { minutes: SUPPORT_RULES.escalateMinutes },
  outcomeNotice: { minutes: SUPPORT_RULES.outcomeNoticeMinutes },
  fixStart: { days: SUPPORT_RULES.fixStartWorkingDays },
  fixedNotice: { minutes: SUPPORT_RULES.fixedNoticeMinutes },
};

/** The deadline of one step, counted from the instant that starts it. */
export function supportDeadline(step: SupportStep, from: Date, cal: WorkingCalendar): Date {
  const limit = STEP_LIMITS[step];
  return 'days' in limit
    ? addWorkingDays(from, limit.days, cal)
    : addWorkingMinutes(from, limit.minutes, cal);
}
