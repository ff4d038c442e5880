import { describe, expect, it } from 'vitest';
import {
  CONTRACT_STATUSES,
  actMachine,
  checkValidity,
  checkVolumes,
  contractMachine,
  contractNumber,
  lapsed,
} from '../../../src/modules/contracts/rules.js';
import { AppError } from '../../../src/lib/errors.js';
import { DOCUMENT_KINDS } from '../../../src/eds/documents.js';

const open = { lapsed: false };
const gone = { lapsed: true };

describe('the contract machine', () => {
  it('reaches every status of the seed and the ones it leaves out, and no other', () => {
    expect(new Set(contractMachine.statuses())).toEqual(new Set(CONTRACT_STATUSES));
  });

  it('goes «На заключении» → «На подписании» → «Действует» only in that order and by the right side', () => {
    expect(contractMachine.actionsFor('requested', ['employee'], open)).toEqual(['provider_sign', 'decline']);
    expect(contractMachine.actionsFor('requested', ['recipient'], open)).toEqual(['terminate_recipient']);
    expect(contractMachine.require('requested', 'provider_sign', ['employee'], open).to).toBe(
      'provider_signed',
    );
    expect(contractMachine.require('provider_signed', 'recipient_sign', ['guardian'], open).to).toBe(
      'active',
    );
    // the person cannot sign before the provider, the provider cannot sign for the person
    expect(() => contractMachine.require('requested', 'recipient_sign', ['recipient'], open)).toThrow(
      AppError,
    );
    expect(() => contractMachine.require('provider_signed', 'recipient_sign', ['employee'], open)).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('refuses the person’s signature once the validity has passed, and expires only then', () => {
    expect(() => contractMachine.require('provider_signed', 'recipient_sign', ['recipient'], gone)).toThrow(
      expect.objectContaining({ code: 'contracts:errors.lapsed', status: 409 }),
    );
    expect(contractMachine.can('active', 'expire', [], open)).toBe(false);
    expect(contractMachine.find('active', 'expire')!.guard!(gone)).toBeNull();
    expect(contractMachine.find('active', 'expire')!.guard!(open)).toBe('contracts:errors.notLapsed');
  });

  it('closes on decline, expiry and termination by either side, each with a reason where a person decides', () => {
    for (const action of ['decline', 'terminate_recipient', 'terminate_provider'] as const) {
      const t = contractMachine.transitions.find((x) => x.action === action)!;
      expect(t.closes).toBe(true);
      expect(t.reasonRequired).toBe(true);
    }
    for (const s of contractMachine.terminal) expect(contractMachine.isOpen(s)).toBe(false);
    expect(contractMachine.actionsFor('declined', ['employee', 'recipient', 'guardian'], open)).toEqual([]);
  });

  it('signs every signed step with a known document kind; the provider with the organisation’s key', () => {
    for (const t of [...contractMachine.transitions, ...actMachine.transitions].filter((x) => x.signed)) {
      expect(DOCUMENT_KINDS).toContain(t.document!.kind);
      expect(t.document!.signer).toBe(t.by.includes('employee') ? 'employee' : 'individual');
    }
  });

  it('the act is signed or disputed by the person, once', () => {
    expect(actMachine.actionsFor('formed', ['recipient'])).toEqual(['sign_act', 'dispute_act']);
    expect(actMachine.actionsFor('formed', ['employee'])).toEqual([]);
    expect(actMachine.actionsFor('signed', ['recipient'])).toEqual([]);
    expect(actMachine.actionsFor('disputed', ['guardian'])).toEqual([]);
  });
});

describe('volumes', () => {
  const programme = new Map([
    [1, { volume: 10, heldElsewhere: 4 }],
    [2, { volume: 5, heldElsewhere: 0 }],
  ]);

  it('accepts services of the programme within what other contracts leave', () => {
    expect(
      checkVolumes(
        [
          { programmeServiceId: 1, volume: 6 },
          { programmeServiceId: 2, volume: 5 },
        ],
        programme,
      ),
    ).toEqual({});
  });

  it('refuses a volume over what is left, a service outside the programme, a repeat, none at all', () => {
    expect(checkVolumes([{ programmeServiceId: 1, volume: 7 }], programme)).toEqual({
      volume_1: 'contracts:errors.volumeOverProgramme',
    });
    expect(checkVolumes([{ programmeServiceId: 3, volume: 1 }], programme)).toEqual({
      services: 'contracts:errors.notInProgramme',
    });
    expect(
      checkVolumes(
        [
          { programmeServiceId: 2, volume: 1 },
          { programmeServiceId: 2, volume: 1 },
        ],
        programme,
      ),
    ).toEqual({ services: 'contracts:errors.notInProgramme' });
    expect(checkVolumes([], programme)).toEqual({ services: 'contracts:errors.noServices' });
    expect(checkVolumes([{ programmeServiceId: 2, volume: 0 }], programme)).toEqual({
      volume_2: 'contracts:errors.volumePositive',
    });
  });

  it('keeps the validity within the programme and out of the past', () => {
    const p = { developedOn: '2026-01-01', validUntil: '2026-12-31' };
    expect(checkValidity('2026-06-01', '2026-12-31', p, '2026-06-01')).toEqual({});
    expect(checkValidity('2026-06-01', '2027-01-01', p, '2026-06-01')).toEqual({
      validTo: 'contracts:errors.validToAfterProgramme',
    });
    expect(checkValidity('2026-05-31', '2026-06-30', p, '2026-06-01')).toEqual({
      validFrom: 'contracts:errors.validFromPast',
    });
    expect(checkValidity('2026-07-01', '2026-06-30', p, '2026-06-01')).toEqual({
      validTo: 'contracts:errors.validToBeforeFrom',
    });
  });

  it('names contracts and tells a lapsed one', () => {
    expect(contractNumber(42, 2026)).toBe('ССУ-2026-000042');
    expect(lapsed('2026-06-30', '2026-07-01')).toBe(true);
    expect(lapsed('2026-06-30', '2026-06-30')).toBe(false);
    expect(lapsed(null, '2026-06-30')).toBe(false);
  });
});
