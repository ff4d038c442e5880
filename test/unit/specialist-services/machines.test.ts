import { describe, expect, it } from 'vitest';
import type { StateMachine } from '../../../src/modules/orders/state-machine.js';
import {
  actMachine,
  applicationMachine,
  serviceMachine,
  specialistCancelOpen,
  type ApplicationContext,
  type ServiceOrderContext,
} from '../../../src/modules/specialist-services/rules.js';

/** Every status is reached from an initial one, and every non-terminal status has a way on. */
function walk<S extends string, A extends string, C, E extends string>(m: StateMachine<S, A, C, E>) {
  const reached = new Set<S>(m.initial);
  for (const t of m.transitions) if (t.from.length === 0) reached.add(t.to);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of m.transitions)
      if (t.from.some((f) => reached.has(f)) && !reached.has(t.to)) {
        reached.add(t.to);
        grew = true;
      }
  }
  return reached;
}

const MACHINES = [serviceMachine, actMachine, applicationMachine] as const;

describe('the machines of specialist services', () => {
  for (const m of MACHINES as readonly StateMachine<string, string, unknown, string>[]) {
    it(`${m.name}: every status is reachable, terminals lead nowhere, open ones lead on`, () => {
      expect(new Set(walk(m))).toEqual(new Set(m.statuses()));
      for (const s of m.statuses()) {
        const out = m.transitions.filter((t) => t.from.includes(s));
        if (m.terminal.includes(s)) expect(out).toEqual([]);
        else expect(out.length).toBeGreaterThan(0);
      }
    });

    it(`${m.name}: a signed row has its document, an unsigned one none, and one purpose is one row`, () => {
      const purposes = new Set<string>();
      for (const t of m.transitions) {
        if (t.signed) {
          expect(t.document, `${m.name}.${t.action}`).toBeDefined();
          // every party signs as a person, but an organisation's employee assigning or declining
          expect(t.document!.signer).toBe(
            t.action === 'assign' || t.action === 'decline' ? 'employee' : 'individual',
          );
          expect(m.document(t.action)).toBe(t.document);
          expect(purposes.has(t.document!.purpose)).toBe(false);
          purposes.add(t.document!.purpose);
        } else {
          expect(t.document).toBeUndefined();
        }
      }
    });
  }

  it('keeps the purposes the signed documents were issued for', () => {
    expect(
      MACHINES.flatMap((m) => m.transitions.flatMap((t) => (t.document ? [t.document.purpose] : []))),
    ).toEqual([
      'service-order-create',
      'service-order-confirm',
      'service-order-cancel',
      'service-order-accept',
      'service-order-assign',
      'service-order-decline',
      'service-order-reject',
      'service-order-refuse',
      'service-order-specialist-cancel',
      'service-act-send',
      'service-act-electronic',
      'service-act-recipient',
      'service-act-dispute',
      'specialist-application',
    ]);
  });
});

describe('the order’s guards', () => {
  const ok: ServiceOrderContext = { jointWorkEnded: false, specialistActive: true, pendingExclusion: false };
  const specialist = ['specialist'] as const;

  it('offers «Подтвердить» only to a specialist in the registry without a pending exclusion', () => {
    expect(serviceMachine.actionsFor('awaiting_specialist', specialist, ok)).toEqual(['accept', 'reject']);
    expect(
      serviceMachine.actionsFor('awaiting_specialist', specialist, { ...ok, pendingExclusion: true }),
    ).toEqual(['reject']);
    expect(() =>
      serviceMachine.require('awaiting_specialist', 'accept', specialist, { ...ok, pendingExclusion: true }),
    ).toThrow(/services:errors.pendingExclusion/);
    expect(() =>
      serviceMachine.require('awaiting_specialist', 'accept', specialist, { ...ok, specialistActive: false }),
    ).toThrow(/services:errors.specialistExcluded/);
  });

  it('lets an organisation assign its specialist only to an order sent to it and not yet assigned', () => {
    const awaiting = { ...ok, specialistActive: false, awaitingAssignment: true };
    expect(serviceMachine.actionsFor('awaiting_specialist', ['employee'], awaiting)).toEqual([
      'assign',
      'decline',
    ]);
    expect(serviceMachine.actionsFor('awaiting_specialist', ['employee'], ok)).toEqual([]);
    expect(() => serviceMachine.require('awaiting_specialist', 'assign', ['employee'], ok)).toThrow(
      /services:errors.notOrganisationOrder/,
    );
    // no specialist answers an organisation's order before it is assigned
    expect(() => serviceMachine.require('awaiting_specialist', 'accept', specialist, awaiting)).toThrow(
      /services:errors.organisationAssigns/,
    );
    expect(serviceMachine.find('awaiting_specialist', 'assign')).toMatchObject({
      to: 'in_progress',
      effect: 'start',
    });
  });

  it('lets an organisation decline, with a reason, only an order sent to it and not yet assigned', () => {
    const awaiting = { ...ok, specialistActive: false, awaitingAssignment: true };
    expect(serviceMachine.require('awaiting_specialist', 'decline', ['employee'], awaiting)).toMatchObject({
      to: 'declined_by_organisation',
      reasonRequired: true,
      closes: true,
      document: { kind: 'refusal', purpose: 'service-order-decline', signer: 'employee' },
    });
    // a self-employed specialist's order is not the organisation's to decline, nor an executed one
    expect(() => serviceMachine.require('awaiting_specialist', 'decline', ['employee'], ok)).toThrow(
      /services:errors.notOrganisationOrder/,
    );
    expect(() => serviceMachine.require('in_progress', 'decline', ['employee'], ok)).toThrow(
      /order_action_not_allowed/,
    );
    // the recipient and the specialist cannot take the organisation's step
    expect(() => serviceMachine.require('awaiting_specialist', 'decline', specialist, awaiting)).toThrow(
      /forbidden/,
    );
    expect(serviceMachine.terminal).toContain('declined_by_organisation');
    expect(serviceMachine.tone('declined_by_organisation')).toBe('warning');
  });

  it('lets the specialist cancel only after an act ended the joint work', () => {
    expect(serviceMachine.actionsFor('in_progress', specialist, ok)).toEqual(['complete']);
    expect(() => serviceMachine.require('in_progress', 'specialist_cancel', specialist, ok)).toThrow(
      /services:errors.cancelNeedsAct/,
    );
    expect(serviceMachine.actionsFor('in_progress', specialist, { ...ok, jointWorkEnded: true })).toEqual([
      'complete',
      'specialist_cancel',
    ]);
    expect(specialistCancelOpen('in_progress', true)).toBe(true);
    expect(specialistCancelOpen('in_progress', false)).toBe(false);
    expect(specialistCancelOpen('completed', true)).toBe(false);
  });

  it('starts the execution on acceptance and tells Е-Собес of every ending after it', () => {
    const effects = Object.fromEntries(serviceMachine.transitions.map((t) => [t.action, t.effect ?? null]));
    expect(effects).toMatchObject({
      accept: 'start',
      refuse: 'end',
      complete: 'end',
      specialist_cancel: 'end',
    });
    expect(effects.cancel).toBeNull();
    expect(serviceMachine.tone('completed')).toBe('done');
    expect(serviceMachine.tone('rejected')).toBe('warning');
    expect(serviceMachine.tone('deleted')).toBe('closed');
    expect(serviceMachine.tone('in_progress')).toBe('open');
  });
});

describe('the act’s life', () => {
  it('sends a scan after the specialist’s signature, an electronic act after the recipient’s', () => {
    expect(actMachine.require('draft', 'send', ['specialist']).to).toBe('sent');
    expect(actMachine.require('awaiting_recipient', 'recipient_sign', ['guardian']).to).toBe('sent');
    expect(() => actMachine.require('awaiting_recipient', 'recipient_sign', ['specialist'])).toThrow(
      /forbidden/,
    );
    expect(actMachine.find('sent', 'cancel')).toBeUndefined();
    expect(actMachine.actionsFor('draft', ['specialist'])).toEqual(['send', 'cancel']);
    expect(actMachine.actionsFor('awaiting_recipient', ['specialist'])).toEqual(['cancel']);
    for (const t of actMachine.transitions.filter((x) => x.to === 'sent')) expect(t.effect).toBe('send');
  });

  it('lets nobody expire a draft by hand (the clean-up job does)', () => {
    const expire = actMachine.transitions.find((t) => t.action === 'expire')!;
    expect(expire.by).toEqual([]);
    expect(expire.from).toEqual(['draft']);
    expect(actMachine.actionsFor('draft', ['admin', 'specialist', 'recipient'])).not.toContain('expire');
  });
});

describe('registry applications', () => {
  const apply = applicationMachine.transitions.find((t) => t.action === 'apply')!;
  const ctx = (c: Partial<ApplicationContext>): ApplicationContext => ({
    type: 'inclusion',
    entryActive: false,
    pendingOfSameType: false,
    ...c,
  });

  it('takes one undecided application of a type, inclusion when out of the registry, exclusion when in it', () => {
    expect(apply.guard!(ctx({}))).toBeNull();
    expect(apply.guard!(ctx({ entryActive: true }))).toBe('services:errors.alreadyInRegistry');
    expect(apply.guard!(ctx({ type: 'exclusion' }))).toBe('services:errors.notInRegistry');
    expect(apply.guard!(ctx({ type: 'exclusion', entryActive: true }))).toBeNull();
    expect(apply.guard!(ctx({ pendingOfSameType: true, entryActive: true }))).toBe(
      'services:errors.applicationPending',
    );
  });

  it('is decided once, by an administrator; approval changes the registry', () => {
    expect(applicationMachine.actionsFor('pending', ['admin'])).toEqual(['approve', 'reject']);
    expect(applicationMachine.actionsFor('pending', ['specialist'])).toEqual([]);
    expect(applicationMachine.require('pending', 'approve', ['admin']).effect).toBe('registry');
    expect(applicationMachine.find('approved', 'reject')).toBeUndefined();
    expect(applicationMachine.find('rejected', 'approve')).toBeUndefined();
  });
});
