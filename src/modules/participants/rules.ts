/**
 * The pure rules of the participants' standing: an organisation's employees (grants to act for it,
 * managed by the organisation's head or a delegated administrator) and the administrator's
 * suspension and exclusion of organisations and specialists. No database, no HTTP.
 */
import { StateMachine, type StepDocument } from '../orders/state-machine.js';

// ---------------------------------------------------------------------------------------------
// Staff of an organisation

/** A grant to act for an organisation; a removed grant is deleted (its history stays in staff_changes). */
export type GrantStatus = 'active' | 'suspended' | 'removed';
export type StaffAction = 'add' | 'suspend' | 'resume' | 'remove';
/** What a grant lets its holder do: act for the organisation (its cabinets) or serve as its specialist. */
export const STAFF_ROLES = ['employee', 'specialist'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Signed with the organisation's (legal-entity) SIGN key by its head or a staff administrator. */
const staffDoc = (action: StaffAction): StepDocument => ({
  kind: 'status-change',
  purpose: `staff.${action}`,
  signer: 'employee',
});

export const staffMachine = new StateMachine<GrantStatus, StaffAction>(
  'staff',
  ['active'],
  [
    { from: [], action: 'add', by: ['employee'], signed: true, document: staffDoc('add'), to: 'active' },
    {
      from: ['active'],
      action: 'suspend',
      by: ['employee'],
      signed: true,
      document: staffDoc('suspend'),
      to: 'suspended',
    },
    {
      from: ['suspended'],
      action: 'resume',
      by: ['employee'],
      signed: true,
      document: staffDoc('resume'),
      to: 'active',
    },
    {
      from: ['active', 'suspended'],
      action: 'remove',
      by: ['employee'],
      signed: true,
      document: staffDoc('remove'),
      to: 'removed',
      closes: true,
    },
  ],
  ['removed'],
  { active: 'done', suspended: 'warning' },
);

/** The staff actions on an existing grant (a page's buttons). */
export const GRANT_ACTIONS = ['suspend', 'resume', 'remove'] as const;
export type GrantAction = (typeof GRANT_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// Standing of an organisation or a specialist, decided by the administrator

export type Standing = 'active' | 'suspended' | 'excluded';
export type StandingAction = 'suspend' | 'resume' | 'exclude';
export const STANDING_ACTIONS = ['suspend', 'resume', 'exclude'] as const;
export type Subject = 'organisation' | 'specialist';

const adminDoc = (subject: Subject, action: StandingAction): StepDocument => ({
  kind: 'status-change',
  purpose: `standing.${subject}.${action}`,
  signer: 'individual',
});

/**
 * Suspension stops new orders and may be lifted; exclusion is final (a participant excluded by
 * mistake applies again: an organisation registers anew, a specialist applies for inclusion).
 */
function standingMachine(subject: Subject) {
  return new StateMachine<Standing, StandingAction>(
    `standing-${subject}`,
    ['active'],
    [
      {
        from: ['active'],
        action: 'suspend',
        by: ['admin'],
        signed: true,
        document: adminDoc(subject, 'suspend'),
        to: 'suspended',
        reasonRequired: true,
      },
      {
        from: ['suspended'],
        action: 'resume',
        by: ['admin'],
        signed: true,
        document: adminDoc(subject, 'resume'),
        to: 'active',
      },
      {
        from: ['active', 'suspended'],
        action: 'exclude',
        by: ['admin'],
        signed: true,
        document: adminDoc(subject, 'exclude'),
        to: 'excluded',
        closes: true,
        reasonRequired: true,
      },
    ],
    ['excluded'],
    { active: 'done', suspended: 'warning' },
  );
}

export const organisationStanding = standingMachine('organisation');
export const specialistStanding = standingMachine('specialist');

export function standingMachineOf(subject: Subject) {
  return subject === 'organisation' ? organisationStanding : specialistStanding;
}

/** What an employee's next request meets (the per-request check of src/app.ts). */
export type EmployeeAccess =
  | {
      ok: true;
      directions: string[];
      orgAdmin: boolean;
      orgStatus: 'active' | 'suspended';
      reason: string | null;
    }
  | { ok: false; why: 'grant_removed' | 'grant_suspended' | 'organisation_excluded'; reason: string | null };

/** Decides an employee's access from the grant (undefined: removed) and the organisation's standing. */
export function employeeAccess(
  row:
    | {
        grant_status: string;
        org_admin: boolean;
        org_status: string;
        org_reason: string | null;
        directions: string[];
      }
    | undefined,
): EmployeeAccess {
  if (!row) return { ok: false, why: 'grant_removed', reason: null };
  if (row.org_status === 'excluded')
    return { ok: false, why: 'organisation_excluded', reason: row.org_reason };
  if (row.grant_status !== 'active') return { ok: false, why: 'grant_suspended', reason: null };
  return {
    ok: true,
    directions: row.directions,
    orgAdmin: row.org_admin,
    orgStatus: row.org_status === 'suspended' ? 'suspended' : 'active',
    reason: row.org_status === 'suspended' ? row.org_reason : null,
  };
}
