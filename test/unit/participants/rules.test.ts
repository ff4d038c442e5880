import { describe, expect, it } from 'vitest';
import {
  employeeAccess,
  organisationStanding,
  specialistStanding,
  staffMachine,
} from '../../../src/modules/participants/rules.js';

const row = (over: Partial<Parameters<typeof employeeAccess>[0] & object> = {}) => ({
  grant_status: 'active',
  org_admin: false,
  org_status: 'active',
  org_reason: null,
  directions: ['special_social_services'],
  ...over,
});

describe('an employee’s access on each request', () => {
  it('is refused when the grant is gone or suspended, or the organisation excluded (with its reason)', () => {
    expect(employeeAccess(undefined)).toEqual({ ok: false, why: 'grant_removed', reason: null });
    expect(employeeAccess(row({ grant_status: 'suspended' }))).toMatchObject({
      ok: false,
      why: 'grant_suspended',
    });
    expect(employeeAccess(row({ org_status: 'excluded', org_reason: 'Лицензия отозвана' }))).toEqual({
      ok: false,
      why: 'organisation_excluded',
      reason: 'Лицензия отозвана',
    });
  });

  it('goes on for a suspended organisation, naming the reason, and carries the directions', () => {
    expect(employeeAccess(row({ org_status: 'suspended', org_reason: 'Проверка', org_admin: true }))).toEqual(
      {
        ok: true,
        directions: ['special_social_services'],
        orgAdmin: true,
        orgStatus: 'suspended',
        reason: 'Проверка',
      },
    );
    expect(employeeAccess(row())).toMatchObject({ ok: true, orgStatus: 'active', reason: null });
  });
});

describe('the machines of staff and standing', () => {
  it('signs every staff step with the organisation’s legal-entity key', () => {
    for (const t of staffMachine.transitions) {
      expect(t.signed).toBe(true);
      expect(t.document).toMatchObject({ purpose: `staff.${t.action}`, signer: 'employee' });
      expect(t.by).toEqual(['employee']);
    }
    expect(staffMachine.actionsFor('active', ['employee'])).toEqual(['suspend', 'remove']);
    expect(staffMachine.actionsFor('suspended', ['employee'])).toEqual(['resume', 'remove']);
  });

  it('lets only the administrator suspend, resume and exclude, with a reason, and makes exclusion final', () => {
    for (const m of [organisationStanding, specialistStanding]) {
      for (const t of m.transitions) {
        expect(t.by).toEqual(['admin']);
        expect(t.document?.signer).toBe('individual');
        expect(Boolean(t.reasonRequired)).toBe(t.action !== 'resume');
      }
      expect(m.actionsFor('excluded', ['admin'])).toEqual([]);
      expect(m.terminal).toEqual(['excluded']);
      expect(m.actionsFor('active', ['employee'])).toEqual([]);
      expect(() => m.require('active', 'suspend', ['specialist'])).toThrow(/forbidden/);
    }
  });
});
