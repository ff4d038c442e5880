import { StateMachine } from '../orders/state-machine.js';
import { supportDeadline, type WorkingCalendar } from './working-time.js';

/**
 * A contact-centre request about a technical failure (rules, item 15) as data:
 * «Поступило» → register → «Зарегистрировано» → analyse: confirm → «Сбой подтверждён» → escalate to the
 * administrator (with the planned fix time) → «Передано администратору» → fix → «Сбой устранён»;
 * or refute (after analysis by the contact centre, or by the administrator after escalation) →
 * «Сбой не подтверждён».
 */
export const SUPPORT_STATUSES = ['new', 'registered', 'confirmed', 'escalated', 'refuted', 'fixed'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];
export const SUPPORT_ACTIONS = ['register', 'confirm', 'refute', 'escalate', 'fix'] as const;
export type SupportAction = (typeof SUPPORT_ACTIONS)[number];

export const supportMachine = new StateMachine<SupportStatus, SupportAction>(
  'support',
  ['new'],
  [
    { from: ['new'], action: 'register', by: ['operator', 'admin'], signed: false, to: 'registered' },
    { from: ['registered'], action: 'confirm', by: ['operator', 'admin'], signed: false, to: 'confirmed' },
    {
      from: ['registered'],
      action: 'refute',
      by: ['operator', 'admin'],
      signed: false,
      to: 'refuted',
      closes: true,
      reasonRequired: true,
    },
    { from: ['confirmed'], action: 'escalate', by: ['operator', 'admin'], signed: false, to: 'escalated' },
    // the administrator may still refute the failure after looking into it (15.4)
    {
      from: ['escalated'],
      action: 'refute',
      by: ['admin'],
      signed: false,
      to: 'refuted',
      closes: true,
      reasonRequired: true,
    },
    { from: ['escalated'], action: 'fix', by: ['admin'], signed: false, to: 'fixed', closes: true },
  ],
  ['refuted', 'fixed'],
);

/** The locale key (support namespace) of the notice each step sends the participant. */
export const NOTICE_KEYS: Record<SupportAction | 'file', string> = {
  file: 'support:sms.filed',
  register: 'support:sms.registered',
  confirm: 'support:sms.confirmed',
  refute: 'support:sms.refuted',
  escalate: 'support:sms.escalated',
  fix: 'support:sms.fixed',
};

export interface SupportTimes {
  status: SupportStatus;
  received_at: Date;
  register_due_at: Date;
  analyse_due_at: Date | null;
  escalate_due_at: Date | null;
  fix_start_due_at: Date | null;
  fix_expected_at: Date | null;
}

/**
 * The deadline of the step the request waits for: registration, analysis, escalation, the fix (the
 * planned time the participant was given, else the administrator's one working day to start); none
 * once closed.
 */
export function nextDeadline(r: SupportTimes): Date | null {
  switch (r.status) {
    case 'new':
      return r.register_due_at;
    case 'registered':
      return r.analyse_due_at;
    case 'confirmed':
      return r.escalate_due_at;
    case 'escalated':
      return r.fix_expected_at ?? r.fix_start_due_at;
    default:
      return null;
  }
}

/** The deadline the given action had to meet. */
export function deadlineOf(action: SupportAction, r: SupportTimes): Date | null {
  switch (action) {
    case 'register':
      return r.register_due_at;
    case 'confirm':
      return r.analyse_due_at;
    case 'refute':
      return r.status === 'registered' ? r.analyse_due_at : (r.fix_start_due_at ?? null);
    case 'escalate':
      return r.escalate_due_at;
    case 'fix':
      return r.fix_expected_at ?? r.fix_start_due_at;
  }
}

/** The columns a step sets (besides status), with the deadlines of the steps that follow it. */
export function stepChanges(
  action: SupportAction,
  now: Date,
  actorId: number,
  cal: WorkingCalendar,
  extra: { from?: SupportStatus; fixExpectedAt?: Date | null } = {},
): Record<string, unknown> {
  switch (action) {
    case 'register':
      return {
        registered_at: now,
        registered_by: actorId,
        analyse_due_at: supportDeadline('analyse', now, cal),
      };
    case 'confirm':
      return {
        analysed_at: now,
        analysed_by: actorId,
        outcome: 'confirmed',
        outcome_notice_due_at: supportDeadline('outcomeNotice', now, cal),
        outcome_notified_at: now,
        escalate_due_at: supportDeadline('escalate', now, cal),
      };
    case 'refute':
      return {
        // after escalation it is the administrator who refutes: the contact centre's analysis stays as it was
        ...(extra.from === 'escalated' ? {} : { analysed_at: now, analysed_by: actorId }),
        outcome: 'refuted',
        outcome_notice_due_at: supportDeadline('outcomeNotice', now, cal),
        outcome_notified_at: now,
      };
    case 'escalate':
      return {
        escalated_at: now,
        escalated_by: actorId,
        fix_start_due_at: supportDeadline('fixStart', now, cal),
        fix_expected_at: extra.fixExpectedAt ?? null,
      };
    case 'fix':
      return {
        fixed_at: now,
        fixed_by: actorId,
        fixed_notice_due_at: supportDeadline('fixedNotice', now, cal),
        fixed_notified_at: now,
      };
  }
}

export type DeadlineStep =
  'register' | 'analyse' | 'outcomeNotice' | 'escalate' | 'fixStart' | 'fix' | 'fixedNotice';
export type DeadlineState = 'met' | 'missed' | 'pending' | 'overdue';

export interface DeadlineLine {
  step: DeadlineStep;
  due: Date | null;
  done: Date | null;
  state: DeadlineState;
}

interface DeadlineSource extends SupportTimes {
  registered_at: Date | null;
  analysed_at: Date | null;
  outcome: 'confirmed' | 'refuted' | null;
  outcome_notice_due_at: Date | null;
  outcome_notified_at: Date | null;
  escalated_at: Date | null;
  fixed_at: Date | null;
  fixed_notice_due_at: Date | null;
  fixed_notified_at: Date | null;
  closed_at: Date | null;
}

/** How a deadline's state is shown: met in time is done, missed or overdue a warning, pending open. */
export function deadlineTone(state: DeadlineState): 'done' | 'warning' | 'open' {
  return state === 'met' ? 'done' : state === 'missed' || state === 'overdue' ? 'warning' : 'open';
}

function stateOf(due: Date | null, done: Date | null, now: Date): DeadlineState {
  const dueMs = due ? new Date(due).getTime() : null;
  if (done) return dueMs === null || new Date(done).getTime() <= dueMs ? 'met' : 'missed';
  return dueMs !== null && now.getTime() > dueMs ? 'overdue' : 'pending';
}

/** Each step of rule 15 that applies to this request: its deadline, when it was done, and whether in time. */
export function deadlineTable(r: DeadlineSource, now: Date): DeadlineLine[] {
  const lines: DeadlineLine[] = [];
  const add = (step: DeadlineStep, due: Date | null, done: Date | null) =>
    lines.push({ step, due, done, state: stateOf(due, done, now) });
  add('register', r.register_due_at, r.registered_at);
  if (r.registered_at) add('analyse', r.analyse_due_at, r.analysed_at ?? (r.outcome ? r.closed_at : null));
  if (r.outcome) add('outcomeNotice', r.outcome_notice_due_at, r.outcome_notified_at);
  if (r.analysed_at && r.outcome !== 'refuted') add('escalate', r.escalate_due_at, r.escalated_at);
  else if (r.escalated_at) add('escalate', r.escalate_due_at, r.escalated_at);
  if (r.escalated_at) {
    // the fix starting is not a separate step: it is done at the latest when the failure is fixed or refuted
    add('fixStart', r.fix_start_due_at, r.fixed_at ?? (r.outcome === 'refuted' ? r.closed_at : null));
    if (r.outcome !== 'refuted') add('fix', r.fix_expected_at, r.fixed_at);
  }
  if (r.fixed_at) add('fixedNotice', r.fixed_notice_due_at, r.fixed_notified_at);
  return lines;
}
