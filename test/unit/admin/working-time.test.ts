import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { ASTANA_ZONE } from '../../../src/lib/clock.js';
import {
  addWorkingDays,
  addWorkingMinutes,
  isWorkingDay,
  isWorkingTime,
  parseHolidayList,
  supportDeadline,
  workingCalendar,
  workingMinutesBetween,
  workingStart,
} from '../../../src/modules/admin/working-time.js';

/** An instant given as Astana wall-clock time. */
const at = (s: string) => DateTime.fromISO(s, { zone: ASTANA_ZONE }).toJSDate();
/** The Astana wall-clock time of an instant, for readable expectations. */
const wall = (d: Date) => DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toFormat("yyyy-MM-dd'T'HH:mm");

const plain = workingCalendar();
// 16 December (Independence Day) and the New Year holidays
const withHolidays = workingCalendar(['2026-12-16', '2027-01-01', '2027-01-02']);

describe('working days', () => {
  it('Monday to Friday are working days, Saturday and Sunday are not', () => {
    expect(isWorkingDay('2026-11-23', plain)).toBe(true); // Monday
    expect(isWorkingDay('2026-11-27', plain)).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28', plain)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29', plain)).toBe(false); // Sunday
  });

  it('a configured holiday on a weekday is not a working day', () => {
    expect(isWorkingDay('2026-12-16', plain)).toBe(true);
    expect(isWorkingDay('2026-12-16', withHolidays)).toBe(false);
  });

  it('working hours are 9:00 to 18:30 without a break, end exclusive', () => {
    expect(isWorkingTime(at('2026-11-23T08:59'), plain)).toBe(false);
    expect(isWorkingTime(at('2026-11-23T09:00'), plain)).toBe(true);
    expect(isWorkingTime(at('2026-11-23T13:15'), plain)).toBe(true);
    expect(isWorkingTime(at('2026-11-23T18:29'), plain)).toBe(true);
    expect(isWorkingTime(at('2026-11-23T18:30'), plain)).toBe(false);
  });
});

describe('parseHolidayList (config HOLIDAYS)', () => {
  it('reads comma-separated dates and ignores blanks and malformed entries', () => {
    expect(parseHolidayList(' 2026-12-16, ,2027-01-01,tomorrow,2027-13-01 ')).toEqual([
      '2026-12-16',
      '2027-01-01',
    ]);
    expect(parseHolidayList(undefined)).toEqual([]);
  });
});

describe('after-hours filing counts from the next working day start', () => {
  it('during working hours the clock starts at once', () => {
    expect(wall(workingStart(at('2026-11-23T10:17'), plain))).toBe('2026-11-23T10:17');
  });

  it('early in the morning it starts at 9:00 the same day', () => {
    expect(wall(workingStart(at('2026-11-24T06:40'), plain))).toBe('2026-11-24T09:00');
  });

  it('in the evening it starts at 9:00 the next working day', () => {
    expect(wall(workingStart(at('2026-11-24T18:30'), plain))).toBe('2026-11-25T09:00');
    expect(wall(workingStart(at('2026-11-24T23:59'), plain))).toBe('2026-11-25T09:00');
  });

  it('on Friday evening and at the weekend it starts on Monday at 9:00', () => {
    expect(wall(workingStart(at('2026-11-27T19:05'), plain))).toBe('2026-11-30T09:00');
    expect(wall(workingStart(at('2026-11-28T12:00'), plain))).toBe('2026-11-30T09:00');
    expect(wall(workingStart(at('2026-11-29T21:00'), plain))).toBe('2026-11-30T09:00');
  });

  it('over a holiday it starts on the next day that is not one', () => {
    // Tuesday evening before the 16 December holiday → Thursday
    expect(wall(workingStart(at('2026-12-15T20:00'), withHolidays))).toBe('2026-12-17T09:00');
    // New Year: Thursday 31.12 evening → 1.01 (holiday, Friday) → weekend → Monday 4.01
    expect(wall(workingStart(at('2026-12-31T18:45'), withHolidays))).toBe('2027-01-04T09:00');
  });
});

describe('addWorkingMinutes', () => {
  it('stays within the day when there is time left', () => {
    expect(wall(addWorkingMinutes(at('2026-11-23T10:00'), 180, plain))).toBe('2026-11-23T13:00');
  });

  it('a deadline that ends exactly at closing time stays on that day', () => {
    expect(wall(addWorkingMinutes(at('2026-11-23T15:30'), 180, plain))).toBe('2026-11-23T18:30');
  });

  it('carries what is left over to the next working day', () => {
    // 17:00 + 3 h: 1 h 30 min today, 1 h 30 min tomorrow
    expect(wall(addWorkingMinutes(at('2026-11-23T17:00'), 180, plain))).toBe('2026-11-24T10:30');
  });

  it('skips the weekend', () => {
    expect(wall(addWorkingMinutes(at('2026-11-27T17:30'), 180, plain))).toBe('2026-11-30T11:00');
  });

  it('a request filed after hours gets its three hours from the next working day start', () => {
    expect(wall(addWorkingMinutes(at('2026-11-27T22:10'), 180, plain))).toBe('2026-11-30T12:00');
    expect(wall(addWorkingMinutes(at('2026-11-28T11:00'), 30, plain))).toBe('2026-11-30T09:30');
  });

  it('skips configured holidays, and a different holiday list gives a different deadline', () => {
    expect(wall(addWorkingMinutes(at('2026-12-15T17:00'), 180, plain))).toBe('2026-12-16T10:30');
    expect(wall(addWorkingMinutes(at('2026-12-15T17:00'), 180, withHolidays))).toBe('2026-12-17T10:30');
  });

  it('zero minutes is the working start itself; negative minutes are refused', () => {
    expect(wall(addWorkingMinutes(at('2026-11-28T11:00'), 0, plain))).toBe('2026-11-30T09:00');
    expect(() => addWorkingMinutes(at('2026-11-23T10:00'), -1, plain)).toThrow(RangeError);
  });
});

describe('addWorkingDays (one working day = 9 h 30 min of working time)', () => {
  it('is the same time on the next working day', () => {
    expect(wall(addWorkingDays(at('2026-11-23T11:20'), 1, plain))).toBe('2026-11-24T11:20');
  });

  it('from Friday it is Monday', () => {
    expect(wall(addWorkingDays(at('2026-11-27T16:00'), 1, plain))).toBe('2026-11-30T16:00');
  });

  it('over New Year holidays and the weekend', () => {
    expect(wall(addWorkingDays(at('2026-12-31T14:00'), 1, withHolidays))).toBe('2027-01-04T14:00');
  });

  it('from an after-hours instant it is the end of the next working day', () => {
    expect(wall(addWorkingDays(at('2026-11-23T20:00'), 1, plain))).toBe('2026-11-24T18:30');
  });
});

describe('workingMinutesBetween', () => {
  it('counts only working time', () => {
    expect(workingMinutesBetween(at('2026-11-27T17:30'), at('2026-11-30T10:00'), plain)).toBe(120);
    expect(workingMinutesBetween(at('2026-11-23T10:00'), at('2026-11-23T09:00'), plain)).toBe(0);
  });

  it('is the inverse of addWorkingMinutes', () => {
    const from = at('2026-12-15T16:45');
    const to = addWorkingMinutes(from, 1000, withHolidays);
    expect(workingMinutesBetween(from, to, withHolidays)).toBe(1000);
  });
});

describe('the deadlines of rule 15', () => {
  const filed = at('2026-11-27T17:00'); // Friday afternoon

  it('registration within 3 working hours of arrival', () => {
    expect(wall(supportDeadline('register', filed, plain))).toBe('2026-11-30T10:30');
  });

  it('analysis within one working day after registration', () => {
    expect(wall(supportDeadline('analyse', at('2026-11-30T10:00'), plain))).toBe('2026-12-01T10:00');
  });

  it('escalation within 3 working hours after confirmation', () => {
    expect(wall(supportDeadline('escalate', at('2026-12-01T16:00'), plain))).toBe('2026-12-02T09:30');
  });

  it('the participant is told of the outcome within 30 working minutes', () => {
    expect(wall(supportDeadline('outcomeNotice', at('2026-12-01T18:15'), plain))).toBe('2026-12-02T09:15');
  });

  it('the fixing starts within one working day of the escalation, and the fix notice follows within 3 hours', () => {
    expect(wall(supportDeadline('fixStart', at('2026-12-15T12:00'), withHolidays))).toBe('2026-12-17T12:00');
    expect(wall(supportDeadline('fixedNotice', at('2026-12-02T20:00'), plain))).toBe('2026-12-03T12:00');
  });
});
