/**
 * The pure rules of specialist services (УЖЯ/УИП): the order's life as a state machine, the reasons
 * a party may give, the journal's day and hour rules, the confirmation codes, the act periods and the
 * act files. No database, no HTTP: unit tests walk these.
 */
import { DateTime } from 'luxon';
import { StateMachine, type StepDocument, type Transition } from '../orders/state-machine.js';
import type { DocumentKind } from '../../eds/index.js';
import { isCalendarDate } from '../../lib/schema-blocks.js';
import { keyedCodeHash, randomDigits } from '../../lib/one-time-code.js';

export type ServiceHelpType = 'UZHYA' | 'UIP';
export const SERVICE_HELP_TYPES: readonly ServiceHelpType[] = ['UZHYA', 'UIP'];

const SLUGS: Record<string, ServiceHelpType> = { uzhya: 'UZHYA', uip: 'UIP' };

export function helpTypeFromSlug(slug: string): ServiceHelpType | null {
  return SLUGS[slug.toLowerCase()] ?? null;
}

export function slugOf(helpType: ServiceHelpType): string {
  return helpType.toLowerCase();
}

export function isServiceHelpType(v: unknown): v is ServiceHelpType {
  return v === 'UZHYA' || v === 'UIP';
}

// ---------------------------------------------------------------------------------------------
// The order's life

export type ServiceStatus =
  | 'created'
  | 'awaiting_specialist'
  | 'in_progress'
  | 'completed'
  | 'deleted'
  | 'cancelled_by_recipient'
  | 'rejected'
  | 'cancelled_by_specialist'
  | 'withdrawn'
  | 'ended_by_exclusion'
  | 'declined_by_organisation';

export type ServiceAction =
  | 'create'
  | 'delete'
  | 'confirm'
  | 'cancel'
  | 'accept'
  | 'reject'
  | 'refuse'
  | 'complete'
  | 'specialist_cancel'
  | 'withdraw'
  | 'end_by_exclusion'
  | 'assign'
  | 'decline';

const RECIPIENT = ['recipient', 'guardian'] as const;
const SPECIALIST = ['specialist'] as const;
const ADMIN = ['admin'] as const;
const ORGANISATION = ['employee'] as const;

/** What the order's guards look at besides its status: the act that ended the joint work, the specialist's registry entry. */
export interface ServiceOrderContext {
  jointWorkEnded: boolean;
  /** the specialist is in the registry («active», not excluded) */
  specialistActive: boolean;
  /** the specialist applied for exclusion and the application is not decided */
  pendingExclusion: boolean;
  /** the order went to an organisation that has not assigned its specialist yet */
  awaitingAssignment?: boolean;
}

/** What else a step does: start the execution (the confirmation day), or end it (Е-Собес is told). */
export type ServiceEffect = 'start' | 'end';

/**
 * Every party of a service order signs as a person: a recipient or guardian for the principal, a
 * specialist for themselves (the services pass the specialist as their own principal).
 */
const signedAs = (kind: DocumentKind, purpose: string): StepDocument => ({
  kind,
  purpose,
  signer: 'individual',
});

/**
 * Seed 000 items 19–32 and seed 001: «Создан» → «Удалить» or «Подтвердить» (signed «Заявление на
 * возмещение») → «Ожидается подтверждение специалиста» → «Отменить» by the recipient, or the
 * specialist «Подтвердить» (signed) → «На исполнении» / «Отклонить» (reason, signed); during execution
 * the recipient «Отказаться» (reason, signed); the journal closes the order «Выполнен» when the volume
 * is used up; after an act with the end flag the specialist «Отмена заказа» (reason, signed).
 */
export const serviceMachine = new StateMachine<
  ServiceStatus,
  ServiceAction,
  ServiceOrderContext,
  ServiceEffect
>(
  'service',
  ['created'],
  [
    {
      from: [],
      action: 'create',
      by: RECIPIENT,
      signed: true,
      document: signedAs('order', 'service-order-create'),
      to: 'created',
    },
    { from: ['created'], action: 'delete', by: RECIPIENT, signed: false, to: 'deleted', closes: true },
    {
      from: ['created'],
      action: 'confirm',
      by: RECIPIENT,
      signed: true,
      document: signedAs('reimbursement-application', 'service-order-confirm'),
      to: 'awaiting_specialist',
    },
    {
      from: ['awaiting_specialist'],
      action: 'cancel',
      by: RECIPIENT,
      signed: true,
      document: signedAs('refusal', 'service-order-cancel'),
      to: 'cancelled_by_recipient',
      closes: true,
    },
    {
      from: ['awaiting_specialist'],
      action: 'accept',
      by: SPECIALIST,
      signed: true,
      document: signedAs('confirmation', 'service-order-accept'),
      to: 'in_progress',
      // an excluded specialist, or one whose exclusion is pending, may only reject (seed 001 item 7)
      guard: (c) =>
        c.awaitingAssignment
          ? 'services:errors.organisationAssigns'
          : !c.specialistActive
            ? 'services:errors.specialistExcluded'
            : c.pendingExclusion
              ? 'services:errors.pendingExclusion'
              : null,
      effect: 'start',
    },
    {
      // an order to an organisation: its employee accepts it and assigns one of its specialists
      from: ['awaiting_specialist'],
      action: 'assign',
      by: ORGANISATION,
      signed: true,
      document: { kind: 'confirmation', purpose: 'service-order-assign', signer: 'employee' },
      to: 'in_progress',
      guard: (c) => (c.awaitingAssignment ? null : 'services:errors.notOrganisationOrder'),
      effect: 'start',
    },
    {
      // or its employee declines the order with a reason, signed as the assignment is
      from: ['awaiting_specialist'],
      action: 'decline',
      by: ORGANISATION,
      signed: true,
      document: { kind: 'refusal', purpose: 'service-order-decline', signer: 'employee' },
      to: 'declined_by_organisation',
      closes: true,
      reasonRequired: true,
      guard: (c) => (c.awaitingAssignment ? null : 'services:errors.notOrganisationOrder'),
    },
    {
      from: ['awaiting_specialist'],
      action: 'reject',
      by: SPECIALIST,
      signed: true,
      document: signedAs('refusal', 'service-order-reject'),
      to: 'rejected',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['in_progress'],
      action: 'refuse',
      by: RECIPIENT,
      signed: true,
      document: signedAs('refusal', 'service-order-refuse'),
      to: 'cancelled_by_recipient',
      closes: true,
      reasonRequired: true,
      effect: 'end',
    },
    {
      from: ['in_progress'],
      action: 'complete',
      by: SPECIALIST,
      signed: false,
      to: 'completed',
      closes: true,
      effect: 'end',
    },
    {
      from: ['in_progress'],
      action: 'specialist_cancel',
      by: SPECIALIST,
      signed: true,
      document: signedAs('refusal', 'service-order-specialist-cancel'),
      to: 'cancelled_by_specialist',
      closes: true,
      reasonRequired: true,
      // only after an act with the end flag («совместная работа завершена»)
      guard: (c) => (c.jointWorkEnded ? null : 'services:errors.cancelNeedsAct'),
      effect: 'end',
    },
    // the administrator excluded the specialist (docs/participants.md): an order not yet accepted is
    // cancelled; an order in execution ends, the hours in its journal stay and its acts may still be sent
    {
      from: ['created', 'awaiting_specialist'],
      action: 'withdraw',
      by: [],
      signed: false,
      to: 'withdrawn',
      closes: true,
      reasonRequired: true,
    },
    {
      from: ['in_progress'],
      action: 'end_by_exclusion',
      by: [],
      signed: false,
      to: 'ended_by_exclusion',
      closes: true,
      reasonRequired: true,
      effect: 'end',
    },
  ],
  [
    'completed',
    'deleted',
    'cancelled_by_recipient',
    'rejected',
    'cancelled_by_specialist',
    'withdrawn',
    'ended_by_exclusion',
    'declined_by_organisation',
  ],
  {
    completed: 'done',
    rejected: 'warning',
    declined_by_organisation: 'warning',
    cancelled_by_recipient: 'warning',
    cancelled_by_specialist: 'warning',
  },
);

/** The signed actions on an existing order. */
export type SignedServiceAction = 'confirm' | 'cancel' | 'refuse' | 'accept' | 'reject' | 'specialist_cancel';

/** Which side of the order takes a signed action: the recipient's (or guardian's) or the specialist's. */
export function sideOf(action: SignedServiceAction): 'recipient' | 'specialist' {
  return serviceMachine.transitions.find((t) => t.action === action)!.by.includes('specialist')
    ? 'specialist'
    : 'recipient';
}

/** The row that creates a record of a machine (its `from` is empty). */
export function creationRow<S extends string, A extends string, C, E extends string>(
  machine: StateMachine<S, A, C, E>,
  action: A,
): Transition<S, A, C, E> {
  const t = machine.transitions.find((x) => x.action === action && x.from.length === 0);
  if (!t) throw new Error(`${machine.name}.${action} creates nothing`);
  return t;
}

/** «Отмена заказа» by the specialist is offered (the registry entry does not matter to it). */
export function specialistCancelOpen(status: string, jointWorkEnded: boolean): boolean {
  return serviceMachine.can(status as ServiceStatus, 'specialist_cancel', SPECIALIST, {
    jointWorkEnded,
    specialistActive: true,
    pendingExclusion: false,
  });
}

/** The journal takes entries while the order is executed and the joint work has not ended. */
export function journalOpen(status: string, jointWorkEnded: boolean): boolean {
  return status === 'in_progress' && !jointWorkEnded;
}

/** Statuses in which the order shows reasons («Просмотреть причины»). */
export const REASON_STATUSES: readonly ServiceStatus[] = [
  'cancelled_by_recipient',
  'rejected',
  'cancelled_by_specialist',
  'withdrawn',
  'ended_by_exclusion',
  'declined_by_organisation',
];

/** Orders a specialist sees: those the recipient has sent (not a draft the recipient may still delete). */
export const SPECIALIST_VISIBLE: readonly ServiceStatus[] = [
  'awaiting_specialist',
  'in_progress',
  'completed',
  'cancelled_by_recipient',
  'rejected',
  'cancelled_by_specialist',
  'withdrawn',
  'ended_by_exclusion',
  'declined_by_organisation',
];

export type ReasonAction = 'refuse' | 'reject' | 'specialist_cancel' | 'cancel' | 'decline';

/** The reasons each party may choose; 'other' needs a comment. Texts: services:reasons.<code>. */
export const REASONS: Record<ReasonAction, readonly string[]> = {
  refuse: ['quality', 'schedule', 'moved', 'otherSpecialist', 'notNeeded', 'other'],
  cancel: ['changedMind', 'otherSpecialist', 'notNeeded', 'other'],
  reject: ['busy', 'distance', 'exclusion', 'health', 'other'],
  specialist_cancel: ['jointWorkEnded', 'recipientRequest', 'other'],
  decline: ['noSpecialist', 'busy', 'distance', 'other'],
};

/** The actions whose events carry the reasons the order shows («Просмотреть причины»). */
export const REASON_ACTIONS: readonly ServiceAction[] = [
  'cancel',
  'reject',
  'refuse',
  'specialist_cancel',
  'decline',
];

export function isReasonFor(action: ReasonAction, code: string): boolean {
  return REASONS[action].includes(code);
}

// ---------------------------------------------------------------------------------------------
// The journal

export const MAX_HOURS_PER_DAY = 8;
export const UZHYA_FORMATS = ['in_person', 'remote'] as const;
export type UzhyaFormat = (typeof UZHYA_FORMATS)[number];

export function isIsoDate(v: string): boolean {
  return isCalendarDate(v);
}

/** 'YYYY-MM' of a calendar date. */
export function periodOf(day: string): string {
  return day.slice(0, 7);
}

/** The last day of the month before the day's month (YYYY-MM-DD). */
export function endOfPreviousMonth(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  const last = new Date(Date.UTC(y, m - 1, 0));
  return last.toISOString().slice(0, 10);
}

export function isPeriod(v: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(v) && isCalendarDate(`${v}-01`);
}

/** First and last calendar day of a period. */
export function periodBounds(period: string): { first: string; last: string } {
  const d = DateTime.fromISO(`${period}-01`);
  return { first: d.toISODate()!, last: d.endOf('month').toISODate()! };
}

/** Every period from `from` to `to` inclusive (both 'YYYY-MM'), oldest first. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(`${from}-01`);
  const end = DateTime.fromISO(`${to}-01`);
  while (d <= end && out.length < 240) {
    out.push(d.toFormat('yyyy-MM'));
    d = d.plus({ months: 1 });
  }
  return out;
}

export type DayProblem = 'invalid' | 'beforeConfirmation' | 'future';

/** A journal entry's day lies between the order's confirmation and today (Astana calendar). */
export function entryDayProblem(day: string, confirmedOn: string | null, today: string): DayProblem | null {
  if (!isIsoDate(day)) return 'invalid';
  if (!confirmedOn || day < confirmedOn) return 'beforeConfirmation';
  if (day > today) return 'future';
  return null;
}

export type HoursProblem = 'invalid' | 'specialistDay' | 'recipientDay' | 'volume';

/**
 * The hours of one entry: a whole number 1..8; with the hours already recorded that day no more than
 * 8 for the specialist and for the recipient, across all services; never beyond the remaining volume.
 * (A preview: the database enforces the same limits under concurrency.)
 */
export function hoursProblem(
  hours: number,
  already: { specialistDay: number; recipientDay: number; remainingVolume: number },
): HoursProblem | null {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS_PER_DAY) return 'invalid';
  if (already.specialistDay + hours > MAX_HOURS_PER_DAY) return 'specialistDay';
  if (already.recipientDay + hours > MAX_HOURS_PER_DAY) return 'recipientDay';
  if (hours > already.remainingVolume) return 'volume';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Confirmation codes for the hours

export const CODE_TTL_MINUTES = 10;
export const MAX_CODE_ATTEMPTS = 5;
/** codes sent per order and hour: each is an SMS to the recipient and five more guesses */
export const CODES_PER_HOUR = 5;

export function generateCode(): string {
  return randomDigits(6);
}

/** Codes are kept only as a keyed hash bound to their row. */
export function hashCode(secret: string, codeId: number, code: string): string {
  return keyedCodeHash(secret, 'service-hours', codeId, code);
}

export type CodeProblem = 'used' | 'blocked' | 'expired' | 'superseded';

export function codeStateProblem(
  code: { state: string; expires_at: Date; attempts: number },
  now: Date,
): CodeProblem | null {
  if (code.state === 'used') return 'used';
  if (code.state === 'superseded') return 'superseded';
  if (code.state === 'blocked' || code.attempts >= MAX_CODE_ATTEMPTS) return 'blocked';
  if (new Date(code.expires_at).getTime() <= now.getTime()) return 'expired';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Acts

export const MAX_ACT_BYTES = 10 * 1024 * 1024;
export const ACT_FILE_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

export type FileProblem = 'missing' | 'empty' | 'tooLarge' | 'badType';

/** A scanned act: present, not empty, at most 10 MB, and a PDF, JPEG or PNG by its content. */
export function actFileProblem(
  file: { size: number } | null,
  detectedMime: string | null,
): FileProblem | null {
  if (!file) return 'missing';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_ACT_BYTES) return 'tooLarge';
  if (!detectedMime || !(detectedMime in ACT_FILE_TYPES)) return 'badType';
  return null;
}

/** Periods an act may be sent for: from the confirmation month to the current month. */
export function actPeriods(confirmedOn: string | null, today: string): string[] {
  if (!confirmedOn) return [];
  return periodsBetween(periodOf(confirmedOn), periodOf(today));
}

/** A file name safe for a Content-Disposition header and a file system. */
export function safeFileName(name: string, fallbackExt: string): string {
  const base = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return base || `act.${fallbackExt}`;
}

// ---------------------------------------------------------------------------------------------
// The act's life

export type ActStatus = 'draft' | 'awaiting_recipient' | 'sent' | 'cancelled' | 'disputed';
export type ActAction =
  'upload' | 'send' | 'sign_electronic' | 'recipient_sign' | 'dispute' | 'cancel' | 'expire';
/** `send`: the act goes to Е-Собес and locks its month (and, with the end flag, ends the joint work). */
export type ActEffect = 'send';

const signedAct = (purpose: string): StepDocument => signedAs('act', purpose);

/**
 * Seed 001 items 13–20 (scanned) and seed 002 (electronic): a scan is uploaded as a draft, then
 * confirmed with the specialist's signature and sent; or the specialist signs the month's act
 * electronically and it awaits the recipient's signature, which sends it. A draft or an act the
 * recipient has not signed may be withdrawn; a draft left for a day expires.
 */
export const actMachine = new StateMachine<ActStatus, ActAction, unknown, ActEffect>(
  'service-act',
  ['draft', 'awaiting_recipient'],
  [
    { from: [], action: 'upload', by: SPECIALIST, signed: false, to: 'draft' },
    {
      from: ['draft'],
      action: 'send',
      by: SPECIALIST,
      signed: true,
      document: signedAct('service-act-send'),
      to: 'sent',
      effect: 'send',
    },
    {
      from: [],
      action: 'sign_electronic',
      by: SPECIALIST,
      signed: true,
      document: signedAct('service-act-electronic'),
      to: 'awaiting_recipient',
    },
    {
      from: ['awaiting_recipient'],
      action: 'recipient_sign',
      by: RECIPIENT,
      signed: true,
      document: signedAct('service-act-recipient'),
      to: 'sent',
      effect: 'send',
    },
    // issue 19 item 7: the recipient refuses to sign, with a reason (signed like their other refusals);
    // the act returns to the specialist and no longer locks its month, so they correct and sign anew
    {
      from: ['awaiting_recipient'],
      action: 'dispute',
      by: RECIPIENT,
      signed: true,
      document: signedAct('service-act-dispute'),
      to: 'disputed',
    },
    {
      from: ['draft', 'awaiting_recipient'],
      action: 'cancel',
      by: SPECIALIST,
      signed: false,
      to: 'cancelled',
    },
    // the hourly clean-up: nobody's step, so no role takes it
    { from: ['draft'], action: 'expire', by: [], signed: false, to: 'cancelled' },
  ],
  ['sent', 'cancelled', 'disputed'],
  { sent: 'done', awaiting_recipient: 'warning', disputed: 'warning' },
);

/** Acts that lock their month in the journal (one per order and month). */
export const LOCKING_ACT_STATUSES: readonly ActStatus[] = ['awaiting_recipient', 'sent'];

// ---------------------------------------------------------------------------------------------
// Registry applications

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';
export type ApplicationAction = 'apply' | 'approve' | 'reject';
export type ApplicationType = 'inclusion' | 'exclusion';
/** `registry`: an approved inclusion adds (or restores) the entry, an approved exclusion ends it. */
export type ApplicationEffect = 'registry';

/** What an application's guard looks at: its type, the specialist's entry, an undecided application. */
export interface ApplicationContext {
  type: ApplicationType;
  entryActive: boolean;
  pendingOfSameType: boolean;
}

/**
 * The specialists' registry (seed 001 item 7): a specialist applies, signed, for inclusion (when not
 * in the registry) or exclusion (when in it), one undecided application of a type at a time; an
 * administrator approves or rejects it.
 */
export const applicationMachine = new StateMachine<
  ApplicationStatus,
  ApplicationAction,
  ApplicationContext,
  ApplicationEffect
>(
  'specialist-application',
  ['pending'],
  [
    {
      from: [],
      action: 'apply',
      by: SPECIALIST,
      signed: true,
      document: { kind: 'specialist-application', purpose: 'specialist-application', signer: 'individual' },
      to: 'pending',
      guard: (c) =>
        c.pendingOfSameType
          ? 'services:errors.applicationPending'
          : c.type === 'exclusion' && !c.entryActive
            ? 'services:errors.notInRegistry'
            : c.type === 'inclusion' && c.entryActive
              ? 'services:errors.alreadyInRegistry'
              : null,
    },
    { from: ['pending'], action: 'approve', by: ADMIN, signed: false, to: 'approved', effect: 'registry' },
    { from: ['pending'], action: 'reject', by: ADMIN, signed: false, to: 'rejected' },
  ],
  ['approved', 'rejected'],
  { approved: 'done', rejected: 'closed' },
);
