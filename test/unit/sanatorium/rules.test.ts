import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  STATUSES,
  companionRule,
  daysStayed,
  endsOn,
  profileMatches,
  reimbursementTiyn,
  sanatoriumMachine,
  stayPriceTiyn,
  surchargeTiyn,
} from '../../../src/modules/sanatorium/rules.js';

const RECIPIENT = ['recipient'] as const;
const EMPLOYEE = ['employee'] as const;
const ctx = (today: string) => ({ today, startsOn: '2027-01-10', endsOn: '2027-01-23' });

describe('the sanatorium order machine', () => {
  it('reaches every status, signs every step with a document and keeps recipients and sanatoriums apart', () => {
    expect(new Set(sanatoriumMachine.statuses())).toEqual(new Set(STATUSES));
    for (const a of ACTIONS) expect(() => sanatoriumMachine.document(a)).not.toThrow();
    expect(sanatoriumMachine.actionsFor('created', RECIPIENT)).toEqual(['confirm', 'delete']);
    expect(sanatoriumMachine.actionsFor('created', EMPLOYEE)).toEqual([]);
    expect(sanatoriumMachine.actionsFor('awaiting_sanatorium', RECIPIENT)).toEqual(['cancel']);
    expect(sanatoriumMachine.actionsFor('awaiting_sanatorium', EMPLOYEE)).toEqual(['accept', 'decline']);
    expect(sanatoriumMachine.document('confirm').kind).toBe('reimbursement-application');
    expect(sanatoriumMachine.document('accept')).toMatchObject({ kind: 'confirmation', signer: 'employee' });
  });

  it('cancel only before confirmation; refusal with a reason only after it and before the arrival day', () => {
    expect(sanatoriumMachine.can('confirmed', 'cancel', RECIPIENT)).toBe(false);
    expect(sanatoriumMachine.find('confirmed', 'refuse')?.reasonRequired).toBe(true);
    expect(sanatoriumMachine.can('confirmed', 'refuse', RECIPIENT, ctx('2027-01-09'))).toBe(true);
    expect(() => sanatoriumMachine.require('confirmed', 'refuse', RECIPIENT, ctx('2027-01-10'))).toThrow();
  });

  it('arrival from the first day; no-show only after it; completion at the end; early departure needs a reason', () => {
    expect(sanatoriumMachine.can('confirmed', 'arrive', EMPLOYEE, ctx('2027-01-09'))).toBe(false);
    expect(sanatoriumMachine.can('confirmed', 'arrive', EMPLOYEE, ctx('2027-01-10'))).toBe(true);
    expect(sanatoriumMachine.can('confirmed', 'no_show', EMPLOYEE, ctx('2027-01-10'))).toBe(false);
    expect(sanatoriumMachine.can('confirmed', 'no_show', EMPLOYEE, ctx('2027-01-11'))).toBe(true);
    expect(sanatoriumMachine.can('arrived', 'complete', EMPLOYEE, ctx('2027-01-22'))).toBe(false);
    expect(sanatoriumMachine.can('arrived', 'complete', EMPLOYEE, ctx('2027-01-23'))).toBe(true);
    expect(sanatoriumMachine.find('arrived', 'depart_early')).toMatchObject({
      reasonRequired: true,
      closes: true,
    });
    // the places go back on every way out except a stay that took place
    const releasing = sanatoriumMachine.transitions.filter((t) => t.effect === 'release').map((t) => t.to);
    expect(new Set(releasing)).toEqual(new Set(['deleted', 'cancelled', 'refused', 'declined', 'no_show']));
    expect(sanatoriumMachine.isOpen('completed')).toBe(false);
    expect(sanatoriumMachine.isOpen('arrived')).toBe(true);
  });
});

describe('the money of a stay', () => {
  it('adds the accompanying person and computes the surcharge as for goods', () => {
    expect(stayPriceTiyn(28_000_000, 18_000_000, false)).toBe(28_000_000);
    expect(stayPriceTiyn(28_000_000, 18_000_000, true)).toBe(46_000_000);
    expect(surchargeTiyn(46_000_000, 30_000_000)).toBe(16_000_000);
    expect(surchargeTiyn(24_000_000, 30_000_000)).toBe(0);
    expect(surchargeTiyn(24_000_000, null)).toBe(24_000_000);
    expect(reimbursementTiyn(46_000_000, 30_000_000)).toBe(30_000_000);
    expect(() => surchargeTiyn(1.5, 0)).toThrow();
    expect(() => stayPriceTiyn(-1, 0, false)).toThrow();
  });
});

describe('the accompanying person rule', () => {
  it('allows one only where the measure allows it and a companion place is free', () => {
    expect(companionRule(false, false, 0)).toBeNull();
    expect(companionRule(true, false, 5)).toBe('sanatorium:errors.companionNotAllowed');
    expect(companionRule(true, true, 0)).toBe('sanatorium:errors.noCompanionPlaces');
    expect(companionRule(true, true, 1)).toBeNull();
  });
});

describe('dates and profiles', () => {
  it('counts the stay and the days used', () => {
    expect(endsOn('2027-01-10', 14)).toBe('2027-01-23');
    expect(endsOn('2027-02-20', 14)).toBe('2027-03-05');
    expect(daysStayed('2027-01-10', '2027-01-14', 14)).toBe(5);
    expect(daysStayed('2027-01-10', '2027-02-14', 14)).toBe(14);
  });

  it('a general sanatorium fits every profile', () => {
    expect(profileMatches(['neurological'], 'neurological')).toBe(true);
    expect(profileMatches(['cardiovascular'], 'neurological')).toBe(false);
    expect(profileMatches(['general'], 'neurological')).toBe(true);
    expect(profileMatches(['cardiovascular'], null)).toBe(true);
  });
});
