import { describe, expect, it } from 'vitest';
import { guardianshipInForce } from '../../../src/modules/auth/guardianships.js';

describe('a guardianship of the registry is in force', () => {
  const g = { validFrom: '2021-02-15', validUntil: '2033-04-01', endedOn: null };

  it('from its first day to the last day of its term, both included', () => {
    expect(guardianshipInForce(g, '2021-02-14')).toBe(false);
    expect(guardianshipInForce(g, '2021-02-15')).toBe(true);
    expect(guardianshipInForce(g, '2033-04-01')).toBe(true);
    expect(guardianshipInForce(g, '2033-04-02')).toBe(false);
  });

  it('without a term, until the authority ends it: no longer on the day it ended', () => {
    const open = { ...g, validUntil: null };
    expect(guardianshipInForce(open, '2090-01-01')).toBe(true);
    const ended = { ...open, endedOn: '2026-10-01' };
    expect(guardianshipInForce(ended, '2026-09-30')).toBe(true);
    expect(guardianshipInForce(ended, '2026-10-01')).toBe(false);
  });
});
