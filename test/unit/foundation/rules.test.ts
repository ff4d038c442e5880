import { describe, expect, it } from 'vitest';
import { checkDigit, isValidIin, makeBin, makeIin, maskIin } from '../../../src/lib/iin.js';
import { formatTiyn, parseTenge } from '../../../src/lib/money.js';
import { isValidS10 } from '../../../src/integrations/kazpost.js';
import { StateMachine } from '../../../src/modules/orders/state-machine.js';
import { maskedName } from '../../../src/modules/people/names.js';
import { astanaDate } from '../../../src/lib/clock.js';
import { ORGANISATIONS, PEOPLE } from '../../../src/devstand/people.js';

describe('IIN / BIN', () => {
  it('accepts a real-form IIN and refuses a wrong check digit', () => {
    const iin = makeIin('1960-05-12', 'M', 1000);
    expect(isValidIin(iin)).toBe(true);
    const wrong = iin.slice(0, 11) + String((Number(iin[11]) + 1) % 10);
    expect(isValidIin(wrong)).toBe(false);
    expect(isValidIin('12345')).toBe(false);
  });
  it('uses the second weight row when the first gives 10', () => {
    // find an 11-digit prefix whose first-row sum mod 11 is 10
    let prefix = '';
    for (let s = 0; s < 10000; s++) {
      const p = `900101300${String(s).padStart(2, '0')}`.slice(0, 11);
      const digits = [...p].map(Number);
      if (digits.reduce((a, d, i) => a + d * (i + 1), 0) % 11 === 10) {
        prefix = p;
        break;
      }
    }
    expect(prefix).not.toBe('');
    const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    const second = [...prefix].map(Number).reduce((a, d, i) => a + d * w2[i]!, 0) % 11;
    expect(checkDigit(prefix)).toBe(second === 10 ? null : second);
  });
  it('gives every demo person and organisation a valid, unique number', () => {
    const all = [...PEOPLE.map((p) => p.iin), ...ORGANISATIONS.map((o) => o.bin)];
    expect(all.every(isValidIin)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(isValidIin(makeBin('2012-04', 1))).toBe(true);
  });
  it('masks an IIN for logs and public pages', () => {
    expect(maskIin('600512310006')).toBe('6005******06');
  });
});

describe('money in tiyn', () => {
  it('formats and parses without floats', () => {
    expect(formatTiyn(1234567)).toMatch(/^12\s345,67 ₸$/);
    expect(formatTiyn(12000000, 'en')).toBe('120,000.00 ₸');
    expect(parseTenge('12 345,67')).toBe(1234567);
    expect(parseTenge('0.1')).toBe(10);
    expect(parseTenge('abc')).toBeNull();
    expect(parseTenge('1,234')).toBeNull();
    expect(() => formatTiyn(1.5)).toThrow();
  });
});

describe('KazPost S10 track numbers', () => {
  it('checks the check digit', () => {
    expect(isValidS10('RR123456785KZ')).toBe(true);
    expect(isValidS10('RR123456784KZ')).toBe(false);
    expect(isValidS10('123456785KZ')).toBe(false);
  });
});

describe('state machines as data', () => {
  const m = new StateMachine<'a' | 'b' | 'c', 'go' | 'stop'>(
    'test',
    ['a'],
    [
      { from: ['a'], action: 'go', by: ['recipient'], signed: true, to: 'b' },
      { from: ['a', 'b'], action: 'stop', by: ['specialist'], signed: true, to: 'c', closes: true },
    ],
    ['c'],
  );
  it('offers only the actions a role may take in a status', () => {
    expect(m.actionsFor('a', ['recipient'])).toEqual(['go']);
    expect(m.actionsFor('b', ['recipient'])).toEqual([]);
    expect(m.actionsFor('b', ['specialist'])).toEqual(['stop']);
  });
  it('refuses an impossible or foreign action with a readable code', () => {
    expect(() => m.require('c', 'go', ['recipient'])).toThrow('order_action_not_allowed');
    expect(() => m.require('a', 'stop', ['recipient'])).toThrow('forbidden');
    expect(m.require('a', 'go', ['recipient']).to).toBe('b');
    expect(m.isOpen('c')).toBe(false);
    expect(m.statuses().sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('public masking and Astana dates', () => {
  it('shows only initials of a person', () => {
    expect(maskedName({ surname: 'ИВАНОВ', name: 'ПЕТР', patronymic: 'СЕРГЕЕВИЧ' })).toBe('И*** П. С.');
  });
  it('counts business dates in Astana time (UTC+5)', () => {
    expect(astanaDate(new Date('2026-11-25T19:30:00Z'))).toBe('2026-11-26');
    expect(astanaDate(new Date('2026-11-25T18:59:00Z'))).toBe('2026-11-25');
  });
});
