import { describe, expect, it } from 'vitest';
import * as blocks from '../../../src/lib/schema-blocks.js';

const issue = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? null : r.error!.issues[0]!.message;

describe('text', () => {
  const name = blocks.text({ max: 10, required: 'x:required', tooLong: 'x:tooLong' });
  const note = blocks.text({ max: 100, multiline: true });

  it('trims, folds CR LF in a textarea, and gives an absent field as empty', () => {
    expect(name.parse('  Анна ')).toBe('Анна');
    expect(note.parse('a\r\nb\rc\td')).toBe('a\nb\nc\td');
    expect(note.parse(undefined)).toBe('');
  });

  it('refuses NUL and the other control characters, in one line also tabs and line breaks', () => {
    for (const s of ['a\u0000b', 'a\u0001', '\u001b[31m', 'a\u007f', 'a\u000bb'])
      expect(issue(note.safeParse(s)), JSON.stringify(s)).toBe(blocks.MESSAGES.control);
    expect(issue(name.safeParse('a\nb'))).toBe(blocks.MESSAGES.control);
    expect(issue(name.safeParse('a\tb'))).toBe(blocks.MESSAGES.control);
  });

  it('refuses a text over its length, an empty required one and a repeated field, each with its message', () => {
    expect(issue(name.safeParse('я'.repeat(11)))).toBe('x:tooLong');
    expect(issue(name.safeParse('   '))).toBe('x:required');
    expect(issue(name.safeParse(['a', 'b']))).toBe(blocks.MESSAGES.oneValue);
  });

  it('keeps a signed document as it is, line breaks and all, but not a NUL', () => {
    const { signedXml } = blocks.signedFields(1000);
    expect(signedXml.parse('<a>\r\n\t<b/></a>\n')).toBe('<a>\r\n\t<b/></a>\n');
    expect(signedXml.safeParse('<a>\u0000</a>').success).toBe(false);
  });
});

describe('calendar dates', () => {
  it('are real days between 1900 and 2100', () => {
    for (const d of ['1900-01-01', '2024-02-29', '2100-12-31'])
      expect(blocks.isCalendarDate(d), d).toBe(true);
    for (const d of ['0000-01-01', '1899-12-31', '2101-01-01', '9999-12-31', '2026-02-29', '2026-02-30'])
      expect(blocks.isCalendarDate(d), d).toBe(false);
    for (const d of ['2026-13-01', '2026-00-10', '2026-04-31', '2026-1-1', ' 2026-01-01', '2026-01-01x'])
      expect(blocks.isCalendarDate(d), d).toBe(false);
  });

  it('take the typed form DD.MM.YYYY, and an empty optional one is undefined', () => {
    expect(blocks.calendarDate().parse('31.12.2026')).toBe('2026-12-31');
    expect(blocks.optionalCalendarDate().parse('')).toBeUndefined();
    expect(issue(blocks.calendarDate('x:day').safeParse('30.02.2026'))).toBe('x:day');
  });

  it('as filters, ignore what is not a date', () => {
    expect(blocks.filterDate.parse('0000-01-01')).toBeUndefined();
    expect(blocks.filterDate.parse(['2026-01-01', '2026-01-02'])).toBeUndefined();
    expect(blocks.filterDate.parse('2026-01-01')).toBe('2026-01-01');
  });

  it('with a time, need a real day and time', () => {
    expect(blocks.isLocalDateTime('2026-12-31T23:59')).toBe(true);
    for (const s of ['2026-12-31T24:00', '2026-02-30T10:00', '0000-01-01T00:00', '2026-12-31'])
      expect(blocks.isLocalDateTime(s), s).toBe(false);
  });
});

describe('numbers', () => {
  it('ids are positive and of at most 12 digits', () => {
    expect(blocks.id().parse('42')).toBe(42);
    expect(blocks.id().parse(7)).toBe(7);
    for (const v of ['0', '-1', '1e3', '0x10', ' ', '1.5', '9'.repeat(13), 'a\u0000', ['1', '2']])
      expect(blocks.id().safeParse(v).success, JSON.stringify(v)).toBe(false);
    expect(blocks.parseId('12')).toBe(12);
    expect(blocks.parseId('99999999999999999999')).toBeNull();
    expect(blocks.parseId(undefined)).toBeNull();
  });

  it('integers keep to their range', () => {
    const hours = blocks.integer({ min: 1, max: 8, message: 'x:hours' });
    expect(hours.parse(' 8 ')).toBe(8);
    for (const v of ['0', '9', '-1', '1.5', '99999999999999999999', '', ['1']])
      expect(issue(hours.safeParse(v)), JSON.stringify(v)).toBe('x:hours');
    expect(blocks.pageNumber.parse('-3')).toBeUndefined();
  });

  it('money is integer tiyn, never negative or beyond a hundred million tenge', () => {
    const price = blocks.money({ required: 'x:required', format: 'x:format' });
    expect(price.parse('12 345,67')).toBe(1_234_567);
    expect(issue(price.safeParse(''))).toBe('x:required');
    for (const v of ['-1', '1,234', '1e5', '100000001', '99999999999'])
      expect(issue(price.safeParse(v)), v).toBe('x:format');
  });
});
