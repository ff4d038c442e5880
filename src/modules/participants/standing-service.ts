/**
 * The administrator suspends, resumes or excludes an organisation, with a reason, signed with the
 * administrator's key (docs/participants.md). A suspended organisation is hidden from every choice
 * of the recipients while its orders go on; an exclusion is final: its МСУ orders not yet enrolled
 * and its ТСР orders not yet handed over are cancelled by the portal in the same transaction, their
 * recipients told, and its employees can no longer act for it (the per-request check of src/app.ts).
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { audit } from '../audit/audit.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { ParticipantsRepository } from './repository.js';
import { organisationStanding, type StandingAction } from './rules.js';

/** What an exclusion does to an area's open orders of the organisation (each area's own rules). */
export type OrganisationWithdrawal = (
  tx: Knex.Transaction,
  organisationId: number,
  reason: string,
  at: Date,
) => Promise<number[]>;

export class StandingService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: ParticipantsRepository,
    private readonly withdrawals: OrganisationWithdrawal[],
  ) {}

  private requireAdmin(actor: Actor) {
    if (!actor.roles.includes('admin')) throw new AppError('forbidden', 403);
  }

  async organisations(actor: Actor) {
    this.requireAdmin(actor);
    const rows = await this.repo.organisations(this.core.db);
    return rows.map((o) => ({ ...o, tone: organisationStanding.tone(o.status) }));
  }

  async organisation(actor: Actor, id: number) {
    this.requireAdmin(actor);
    const o = await this.repo.organisation(this.core.db, id);
    if (!o) throw new NotFoundError();
    return {
      ...o,
      tone: organisationStanding.tone(o.status),
      actions: organisationStanding.actionsFor(o.status, actor.roles),
    };
  }

  async target(actor: Actor, id: number, action: StandingAction) {
    const o = await this.organisation(actor, id);
    const t = organisationStanding.require(o.status, action, actor.roles);
    return { organisation: o, to: t.to };
  }

  async issue(actor: Actor, id: number, action: StandingAction, reason: string) {
    const { organisation, to } = await this.target(actor, id, action);
    const signRequest = await this.core.steps.issue(
      actor,
      organisationStanding.document(action),
      { type: 'organisation', id, version: 0 },
      { from: organisation.status, to, organisation: organisation.name, bin: organisation.bin, reason },
    );
    return { signRequest, organisation, to };
  }

  async apply(actor: Actor, id: number, action: StandingAction, signed: SignedInput) {
    this.requireAdmin(actor);
    return this.core.steps.apply(
      actor,
      organisationStanding.document(action),
      { type: 'organisation', id },
      signed,
      async (tx, doc) => {
        const o = await this.repo.lockOrganisation(tx, id);
        if (!o) throw new NotFoundError();
        const t = organisationStanding.require(o.status, action, actor.roles);
        const reason = String((doc.request.payload as { reason?: unknown }).reason ?? '') || null;
        const now = this.core.clock.now();
        await this.repo.setOrganisationStanding(tx, id, {
          status: t.to,
          reason: action === 'resume' ? null : reason,
          at: now,
          by: actor.personId,
        });
        const withdrawn: number[] = [];
        if (action === 'exclude')
          for (const w of this.withdrawals) withdrawn.push(...(await w(tx, id, reason ?? '', now)));
        for (const personId of await this.repo.employeeIds(tx, id)) {
          await this.core.notifier.notify(
            tx,
            personId,
            `staff:sms.organisationStanding.${action}`,
            { organisation: o.name, reason: reason ?? '' },
            `organisation-standing:${id}:${doc.id}:${personId}`,
          );
        }
        await audit(tx, {
          actorId: actor.personId,
          organisationId: id,
          action: `organisation.${action}`,
          objectType: 'organisation',
          objectId: id,
          signedDocumentId: doc.id,
          details: { reason, withdrawnOrders: withdrawn },
        });
        return { status: t.to, withdrawn };
      },
    );
  }
}
