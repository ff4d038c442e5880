import { describe, expect, it } from 'vitest';
import { PEOPLE, ORGANISATIONS } from '../../../src/devstand/people.js';
import {
  binFromOu,
  iinFromSerialNumber,
  isValidIin,
  validIinFromSerialNumber,
} from '../../../src/eds/iin.js';
import { checkDigit } from '../../../src/lib/iin.js';

describe('IIN checksum', () => {
  it('accepts IINs whose check digit uses the first weights', () => {
    // 600512300015-like numbers: compute the digit with weights 1..11
    const first11 = '60051230001';
    const digits = [...first11].map(Number);
    const c = digits.reduce((a, d, i) => a + d * (i + 1), 0) % 11;
    expect(c).not.toBe(10);
    expect(checkDigit(first11)).toBe(c);
    expect(isValidIin(first11 + c)).toBe(true);
    expect(isValidIin(first11 + ((c + 1) % 10))).toBe(false);
  });

  it('falls back to the second weights when the first give 10', () => {
    // find an 11-digit prefix whose first sum is 10 and second is not 10
    let found: string | null = null;
    for (let s = 0; s < 100000 && !found; s++) {
      const p = `9001013${String(s).padStart(4, '0')}`;
      const d = [...p].map(Number);
      const s1 = d.reduce((a, x, i) => a + x * (i + 1), 0) % 11;
      const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
      const s2 = d.reduce((a, x, i) => a + x * (w2[i] ?? 0), 0) % 11;
      if (s1 === 10 && s2 !== 10) found = p + s2;
    }
    expect(found).not.toBeNull();
    expect(isValidIin(found as string)).toBe(true);
  });

  it('refuses numbers whose both sums give 10, and malformed input', () => {
    let invalidPrefix: string | null = null;
    for (let s = 0; s < 100000 && !invalidPrefix; s++) {
      const p = `8507153${String(s).padStart(4, '0')}`;
      if (checkDigit(p) === null) invalidPrefix = p;
    }
    expect(invalidPrefix).not.toBeNull();
    for (let d = 0; d < 10; d++) expect(isValidIin(`${invalidPrefix}${d}`)).toBe(false);
    expect(isValidIin('12345')).toBe(false);
    expect(isValidIin('12345678901a')).toBe(false);
    expect(isValidIin('')).toBe(false);
  });

  it('every demo person and organisation passes the checksum', () => {
    for (const p of PEOPLE) expect(isValidIin(p.iin), p.key).toBe(true);
    for (const o of ORGANISATIONS) expect(isValidIin(o.bin), o.key).toBe(true);
    expect(new Set(PEOPLE.map((p) => p.iin)).size).toBe(PEOPLE.length);
  });
});

describe('IIN and BIN from certificate attributes', () => {
  it('reads SERIALNUMBER=IIN… and OU=BIN…', () => {
    const iin = PEOPLE[0]?.iin as string;
    expect(iinFromSerialNumber(`IIN${iin}`)).toBe(iin);
    expect(validIinFromSerialNumber(`IIN${iin}`)).toBe(iin);
    expect(iinFromSerialNumber(iin)).toBeNull();
    expect(iinFromSerialNumber('IIN12345')).toBeNull();
    expect(iinFromSerialNumber(undefined)).toBeNull();
    expect(validIinFromSerialNumber(`IIN${iin.slice(0, 11)}${(Number(iin[11]) + 1) % 10}`)).toBeNull();
    const bin = ORGANISATIONS[0]?.bin as string;
    expect(binFromOu(`BIN${bin}`)).toBe(bin);
    expect(binFromOu(bin)).toBeNull();
    expect(binFromOu('BIN1')).toBeNull();
  });
});
