import { StateMachine } from '../orders/state-machine.js';

/**
 * The contract's life (seed 002 items 3.2–3.6). The statuses of the seed: «На заключении»
 * (`requested`), «На подписании» (`provider_signed`), «Действует» (`active`); and the ones the seed
 * leaves out: declined by the provider, expired, terminated by either side with a reason.
 */
export const CONTRACT_STATUSES = [
  'requested',
  'provider_signed',
  'active',
  'declined',
  'expired',
  'terminated_by_recipient',
  'terminated_by_provider',
] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** A request is created in `requested` («Заключить договор» → «Да», unsigned as in the seed). */
export type ContractAction =
  'provider_sign' | 'decline' | 'recipient_sign' | 'terminate_recipient' | 'terminate_provider' | 'expire';

export interface ContractCtx {
  /** the contract's last day has passed (Astana date) */
  lapsed: boolean;
}

export const contractMachine = new StateMachine<ContractStatus, ContractAction, ContractCtx>(
  'ssu-contract',
  ['requested'],
  [
    {
      action: 'provider_sign',
      from: ['requested'],
      to: 'provider_signed',
      by: ['employee'],
      signed: true,
      document: { kind: 'order', purpose: 'contracts.provider_sign', signer: 'employee' },
    },
    {
      action: 'decline',
      from: ['requested'],
      to: 'declined',
      by: ['employee'],
      signed: true,
      reasonRequired: true,
      closes: true,
      document: { kind: 'refusal', purpose: 'contracts.decline', signer: 'employee' },
    },
    {
      action: 'recipient_sign',
      from: ['provider_signed'],
      to: 'active',
      by: ['recipient', 'guardian'],
      signed: true,
      document: { kind: 'order', purpose: 'contracts.recipient_sign', signer: 'individual' },
      guard: (c) => (c.lapsed ? 'contracts:errors.lapsed' : null),
    },
    {
      action: 'terminate_recipient',
      from: ['requested', 'provider_signed', 'active'],
      to: 'terminated_by_recipient',
      by: ['recipient', 'guardian'],
      signed: true,
      reasonRequired: true,
      closes: true,
      document: { kind: 'refusal', purpose: 'contracts.terminate_recipient', signer: 'individual' },
    },
    {
      action: 'terminate_provider',
      from: ['provider_signed', 'active'],
      to: 'terminated_by_provider',
      by: ['employee'],
      signed: true,
      reasonRequired: true,
      closes: true,
      document: { kind: 'refusal', purpose: 'contracts.terminate_provider', signer: 'employee' },
    },
    // the portal itself closes a contract whose validity has passed
    {
      action: 'expire',
      from: ['provider_signed', 'active'],
      to: 'expired',
      by: [],
      signed: false,
      closes: true,
      guard: (c) => (c.lapsed ? null : 'contracts:errors.notLapsed'),
    },
  ],
  ['declined', 'expired', 'terminated_by_recipient', 'terminated_by_provider'],
  { active: 'done', provider_signed: 'warning' },
);

export const ACT_STATUSES = ['formed', 'signed', 'disputed'] as const;
export type ActStatus = (typeof ACT_STATUSES)[number];
export type ActAction = 'sign_act' | 'dispute_act';

export const actMachine = new StateMachine<ActStatus, ActAction>(
  'ssu-act',
  ['formed'],
  [
    {
      action: 'sign_act',
      from: ['formed'],
      to: 'signed',
      by: ['recipient', 'guardian'],
      signed: true,
      document: { kind: 'act', purpose: 'contracts.sign_act', signer: 'individual' },
    },
    {
      action: 'dispute_act',
      from: ['formed'],
      to: 'disputed',
      by: ['recipient', 'guardian'],
      signed: true,
      reasonRequired: true,
      document: { kind: 'refusal', purpose: 'contracts.dispute_act', signer: 'individual' },
    },
  ],
  ['signed', 'disputed'],
  { signed: 'done', formed: 'warning' },
);

/** The statuses in which the provider records services and forms acts. */
export const RENDERING_STATUSES: readonly ContractStatus[] = ['active'];
/** Acts may still be formed for services rendered before a contract ended. */
export const ACT_STATUSES_OF_CONTRACT: readonly ContractStatus[] = [
  'active',
  'expired',
  'terminated_by_recipient',
  'terminated_by_provider',
];

export const SERVICE_FORMS = ['home', 'semi_stationary', 'stationary'] as const;
export type ServiceForm = (typeof SERVICE_FORMS)[number];

/** Whether a contract valid until `validTo` has lapsed on `today` (both YYYY-MM-DD). */
export function lapsed(validTo: string | null, today: string): boolean {
  return validTo !== null && validTo < today;
}

export interface VolumeCheck {
  programmeServiceId: number;
  volume: number;
}

/**
 * The provider's list of services for a contract: only services of the programme, each at most once,
 * each volume a positive whole number within the programme's volume less what other open contracts
 * already hold. Field → text key of the problem; empty when the list is good.
 */
export function checkVolumes(
  chosen: readonly VolumeCheck[],
  programme: ReadonlyMap<number, { volume: number; heldElsewhere: number }>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (chosen.length === 0) errors.services = 'contracts:errors.noServices';
  const seen = new Set<number>();
  for (const c of chosen) {
    const field = `volume_${c.programmeServiceId}`;
    const p = programme.get(c.programmeServiceId);
    if (!p || seen.has(c.programmeServiceId)) {
      errors.services = 'contracts:errors.notInProgramme';
      continue;
    }
    seen.add(c.programmeServiceId);
    if (!Number.isInteger(c.volume) || c.volume < 1) errors[field] = 'contracts:errors.volumePositive';
    else if (c.volume > p.volume - p.heldElsewhere) errors[field] = 'contracts:errors.volumeOverProgramme';
  }
  return errors;
}

/** The contract's validity: from ≤ to, within the programme's validity, not starting in the past. */
export function checkValidity(
  validFrom: string,
  validTo: string,
  programme: { developedOn: string; validUntil: string },
  today: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (validTo < validFrom) errors.validTo = 'contracts:errors.validToBeforeFrom';
  if (validFrom < today) errors.validFrom = 'contracts:errors.validFromPast';
  if (validTo > programme.validUntil) errors.validTo = 'contracts:errors.validToAfterProgramme';
  return errors;
}

/** The number a contract gets when the provider signs it: ССУ-<year>-<id padded>. */
export function contractNumber(id: number, year: number): string {
  return `ССУ-${year}-${String(id).padStart(6, '0')}`;
}
