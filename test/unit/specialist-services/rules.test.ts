import { describe, expect, it } from 'vitest';
import { sameHash } from '../../../src/modules/entitlements/rules.js';
import {
  MAX_CODE_ATTEMPTS,
  REASONS,
  actFileProblem,
  actPeriods,
  codeStateProblem,
  entryDayProblem,
  hashCode,
  helpTypeFromSlug,
  hoursProblem,
  periodBounds,
  safeFileName,
  serviceMachine,
  endOfPreviousMonth,
} from '../../../src/modules/specialist-services/rules.js';

describe('the УЖЯ/УИП order as a state machine', () => {
  it('walks the recipient path of seed 000: «Создан» → signed application → the specialist confirms → «На исполнении»', () => {
    const recipient = ['recipient'] as const;
    expect(serviceMachine.actionsFor('created', recipient)).toEqual(['delete', 'confirm']);
    expect(serviceMachine.require('created', 'confirm', recipient).to).toBe('awaiting_specialist');
    expect(serviceMachine.actionsFor('awaiting_specialist', recipient)).toEqual(['cancel']);
    expect(serviceMachine.actionsFor('awaiting_specialist', ['specialist'])).toEqual(['accept', 'reject']);
    expect(serviceMachine.require('awaiting_specialist', 'accept', ['specialist']).to).toBe('in_progress');
    expect(serviceMachine.actionsFor('in_progress', ['guardian'])).toEqual(['refuse']);
  });

  it('signs every step that changes what was agreed, and requires a reason for each refusal', () => {
    for (const t of serviceMachine.transitions) {
      // the portal's own steps (the specialist excluded) are no person's and carry the administrator's reason
      if (t.action === 'delete' || t.action === 'complete' || t.by.length === 0) expect(t.signed).toBe(false);
      else expect(t.signed).toBe(true);
    }
    for (const a of ['withdraw', 'end_by_exclusion'] as const)
      expect(serviceMachine.transitions.find((t) => t.action === a)?.reasonRequired).toBe(true);
    for (const a of ['reject', 'decline', 'refuse', 'specialist_cancel'] as const)
      expect(
        serviceMachine.find(a === 'reject' || a === 'decline' ? 'awaiting_specialist' : 'in_progress', a)
          ?.reasonRequired,
      ).toBe(true);
  });

  it('refuses an action out of turn or by the wrong party', () => {
    expect(() => serviceMachine.require('created', 'accept', ['specialist'])).toThrow(
      /order_action_not_allowed/,
    );
    expect(() => serviceMachine.require('awaiting_specialist', 'accept', ['recipient'])).toThrow(/forbidden/);
    expect(() => serviceMachine.require('completed', 'refuse', ['recipient'])).toThrow(
      /order_action_not_allowed/,
    );
  });

  it('frees the help type (closes) on every ending', () => {
    const closing = serviceMachine.transitions.filter((t) => t.closes).map((t) => t.to);
    expect(new Set(closing)).toEqual(
      new Set([
        'deleted',
        'cancelled_by_recipient',
        'rejected',
        'completed',
        'cancelled_by_specialist',
        'withdrawn',
        'ended_by_exclusion',
        'declined_by_organisation',
      ]),
    );
    expect(REASONS.refuse).toContain('other');
    expect(REASONS.decline).toContain('other');
  });

  it('maps the URL slugs to help types', () => {
    expect(helpTypeFromSlug('uzhya')).toBe('UZHYA');
    expect(helpTypeFromSlug('UIP')).toBe('UIP');
    expect(helpTypeFromSlug('msu')).toBeNull();
  });
});

describe('journal rules', () => {
  it('takes a day between the confirmation and today', () => {
    expect(entryDayProblem('2026-11-10', '2026-11-10', '2026-11-25')).toBeNull();
    expect(entryDayProblem('2026-11-25', '2026-11-10', '2026-11-25')).toBeNull();
    expect(entryDayProblem('2026-11-09', '2026-11-10', '2026-11-25')).toBe('beforeConfirmation');
    expect(entryDayProblem('2026-11-26', '2026-11-10', '2026-11-25')).toBe('future');
    expect(entryDayProblem('2026-02-30', '2026-01-01', '2026-11-25')).toBe('invalid');
    expect(entryDayProblem('2026-11-12', null, '2026-11-25')).toBe('beforeConfirmation');
  });

  it('allows at most 8 hours a day for the specialist and for the recipient, never beyond the volume', () => {
    const fresh = { specialistDay: 0, recipientDay: 0, remainingVolume: 60 };
    expect(hoursProblem(8, fresh)).toBeNull();
    expect(hoursProblem(9, fresh)).toBe('invalid');
    expect(hoursProblem(0, fresh)).toBe('invalid');
    expect(hoursProblem(2.5, fresh)).toBe('invalid');
    expect(hoursProblem(4, { ...fresh, specialistDay: 5 })).toBe('specialistDay');
    expect(hoursProblem(3, { ...fresh, specialistDay: 5 })).toBeNull();
    expect(hoursProblem(4, { ...fresh, recipientDay: 5 })).toBe('recipientDay');
    expect(hoursProblem(4, { ...fresh, remainingVolume: 3 })).toBe('volume');
  });

  it('codes expire, are blocked after the attempts, and compare only as keyed hashes', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const pending = { state: 'pending', attempts: 0, expires_at: new Date('2026-11-25T10:05:00Z') };
    expect(codeStateProblem(pending, now)).toBeNull();
    expect(codeStateProblem({ ...pending, expires_at: new Date('2026-11-25T10:00:00Z') }, now)).toBe(
      'expired',
    );
    expect(codeStateProblem({ ...pending, attempts: MAX_CODE_ATTEMPTS }, now)).toBe('blocked');
    expect(codeStateProblem({ ...pending, state: 'used' }, now)).toBe('used');
    const h = hashCode('secret', 7, '123456');
    expect(h).not.toContain('123456');
    expect(sameHash(h, hashCode('secret', 7, '123456'))).toBe(true);
    expect(sameHash(h, hashCode('secret', 8, '123456'))).toBe(false);
    expect(sameHash(h, hashCode('secret', 7, '123457'))).toBe(false);
  });
});

describe('act rules', () => {
  it('accepts a PDF, JPEG or PNG up to 10 MB by content, and says what is wrong otherwise', () => {
    expect(actFileProblem({ size: 1000 }, 'application/pdf')).toBeNull();
    expect(actFileProblem({ size: 1000 }, 'image/png')).toBeNull();
    expect(actFileProblem(null, null)).toBe('missing');
    expect(actFileProblem({ size: 0 }, null)).toBe('empty');
    expect(actFileProblem({ size: 10 * 1024 * 1024 + 1 }, 'application/pdf')).toBe('tooLarge');
    expect(actFileProblem({ size: 1000 }, 'application/x-msdownload')).toBe('badType');
    expect(actFileProblem({ size: 1000 }, null)).toBe('badType');
  });

  it('offers the months from the confirmation to the current one', () => {
    expect(actPeriods('2026-09-15', '2026-11-25')).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(actPeriods('2026-12-01', '2027-01-03')).toEqual(['2026-12', '2027-01']);
    expect(actPeriods(null, '2026-11-25')).toEqual([]);
    expect(periodBounds('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
  });

  it('keeps uploaded file names safe for headers and disks', () => {
    expect(safeFileName('../../etc/passwd', 'pdf')).toBe('.._.._etc_passwd');
    expect(safeFileName('акт "ноябрь".pdf', 'pdf')).toBe('акт _ноябрь_.pdf');
    expect(safeFileName('   ', 'png')).toBe('act.png');
  });
});

describe('the days still open once this month’s act is sent', () => {
  it('end on the last day of the month before', () => {
    expect(endOfPreviousMonth('2026-12-05')).toBe('2026-11-30');
    expect(endOfPreviousMonth('2026-03-31')).toBe('2026-02-28');
    expect(endOfPreviousMonth('2028-03-01')).toBe('2028-02-29');
    expect(endOfPreviousMonth('2027-01-15')).toBe('2026-12-31');
  });
});
