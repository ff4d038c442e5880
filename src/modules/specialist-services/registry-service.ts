import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import { asSelf, type AreaContext } from './context.js';
import type { ApplicationRow } from './repository.js';
import type { ApplicationInput, SignedInput } from './schemas.js';
import { applicationMachine, creationRow, type ApplicationContext } from './rules.js';
import { documentText } from './texts.js';
import type { SpecialistWithdrawal } from './withdrawal.js';
import { specialistStanding, type StandingAction } from '../participants/rules.js';

const APPLY = creationRow(applicationMachine, 'apply');
export const APPLICATION_PURPOSE = APPLY.document!.purpose;
const UNIQUE_VIOLATION = '23505';
/** The form field a refusal of the application's guard is shown at. */
const GUARD_FIELD: Record<string, 'type' | 'kind'> = { 'services:errors.applicationPending': 'type' };

/**
 * The specialists' registry: a specialist applies (signed) for inclusion in or exclusion from it; an
 * administrator decides. An approved exclusion makes the specialist «excluded» (no longer offered);
 * while an exclusion is pending the specialist may only reject new orders (seed 001, item 7).
 */
export class RegistryService {
  constructor(
    private readonly c: AreaContext,
    private readonly withdrawal: SpecialistWithdrawal,
  ) {}

  async mine(actor: Actor) {
    this.c.requireSpecialist(actor);
    const [entries, applications, me] = await Promise.all([
      this.c.registry.ofPerson(this.c.db, actor.personId),
      this.c.registry.applicationsOf(this.c.db, actor.personId),
      this.c.person(this.c.db, actor.personId),
    ]);
    return { entries, applications, defaults: { region: me.region, locality: me.locality } };
  }

  /** The application row's guard before anything is signed: its refusal is shown at the form's field. */
  private async check(actor: Actor, input: ApplicationInput): Promise<void> {
    const entries = await this.c.registry.ofPerson(this.c.db, actor.personId);
    const entry = entries.find((e) => e.kind === input.kind);
    const pending = (await this.c.registry.applicationsOf(this.c.db, actor.personId)).some(
      (a) => a.kind === input.kind && a.type === input.type && a.status === 'pending',
    );
    const why = APPLY.guard!({
      type: input.type,
      entryActive: entry?.status === 'active',
      pendingOfSameType: pending,
    });
    if (why) throw new ValidationError({ [GUARD_FIELD[why] ?? 'kind']: why });
  }

  /**
   * An individual assistant (УИП) joins the registry only with the health registry's confirmation
   * that they are not on a psychiatric dispensary record (rules item 12, 3): no answer, or a record,
   * and the application cannot be sent.
   */
  private async dispensaryConfirmation(actor: Actor, input: { kind: string; type: string }) {
    if (input.kind !== 'UIP' || input.type !== 'inclusion') return null;
    const me = await this.c.person(this.c.db, actor.personId);
    const answer = await this.c.core.integrations.healthRegistry.dispensaryRecord(me.iin).catch(() => {
      throw new ValidationError({ kind: 'participants:errors.dispensaryUnavailable' });
    });
    if (!answer) throw new ValidationError({ kind: 'participants:errors.dispensaryNoAnswer' });
    if (answer.onRecord) throw new ValidationError({ kind: 'participants:errors.dispensaryRecord' });
    return answer;
  }

  async issueApplication(actor: Actor, input: ApplicationInput): Promise<IssuedSignRequest> {
    this.c.requireSpecialist(actor);
    await this.check(actor, input);
    const confirmation = await this.dispensaryConfirmation(actor, input);
    const me = asSelf(actor);
    return this.c.steps.issue(
      me,
      APPLY.document!,
      { type: 'specialist-registry', id: me.personId, version: 0 },
      {
        specialistKind: input.kind,
        type: input.type,
        title: documentText(`services:registry.type.${input.type}`),
        region: input.type === 'inclusion' ? input.region : '',
        locality: input.type === 'inclusion' ? input.locality : '',
        reason: input.reason ?? '',
        ...(confirmation
          ? {
              dispensaryCheck: {
                onRecord: false,
                reference: confirmation.reference,
                checkedAt: confirmation.checkedAt,
              },
            }
          : {}),
      },
    );
  }

  async submitApplication(actor: Actor, signed: SignedInput): Promise<ApplicationRow> {
    this.c.requireSpecialist(actor);
    // the signed document names the kind; the health registry is asked again before it is stored
    const request = await this.c.core.signing.findRequest(signed.signRequestId);
    const asked = request?.payload as { specialistKind?: string; type?: string } | undefined;
    if (asked?.specialistKind && asked.type)
      await this.dispensaryConfirmation(actor, { kind: asked.specialistKind, type: asked.type }).catch(
        (err) => {
          if (err instanceof ValidationError) throw new AppError(Object.values(err.fields)[0]!, 409);
          throw err;
        },
      );
    const me = asSelf(actor);
    return this.c.steps.apply(
      me,
      APPLY.document!,
      { type: 'specialist-registry', id: me.personId },
      signed,
      async (tx, doc) => {
        const p = doc.request.payload as {
          specialistKind?: string;
          type?: string;
          region?: string;
          locality?: string;
          reason?: string;
        };
        const kind = p.specialistKind === 'UIP' ? 'UIP' : 'UZHYA';
        const type = p.type === 'exclusion' ? 'exclusion' : 'inclusion';
        // an exclusion application and an order confirmation queue on the registry entry
        const entry = await this.c.registry.lockEntry(tx, actor.personId, kind, 'update');
        // a second undecided application of the type is refused by the database's unique index below
        const ctx: ApplicationContext = {
          type,
          entryActive: entry?.status === 'active',
          pendingOfSameType: false,
        };
        const why = APPLY.guard!(ctx);
        if (why) throw new AppError(why, 409);
        try {
          const app = await this.c.registry.insertApplication(tx, {
            person_id: actor.personId,
            kind,
            type,
            status: APPLY.to,
            region: p.region || null,
            locality: p.locality || null,
            reason: p.reason || null,
            signed_document_id: doc.id,
            submitted_at: this.c.now(),
          });
          await audit(tx, {
            actorId: actor.personId,
            action: `specialist-registry.${type}-applied`,
            objectType: 'specialist-application',
            objectId: app.id,
            signedDocumentId: doc.id,
          });
          return app;
        } catch (err) {
          if ((err as { code?: string }).code === UNIQUE_VIOLATION)
            throw new AppError('services:errors.applicationPending', 409);
          throw err;
        }
      },
    );
  }

  // ------------------------------------------------------------------ administrator

  async adminPage() {
    const [specialists, pending, decided] = await Promise.all([
      this.c.registry.all(this.c.db),
      this.c.registry.pendingApplications(this.c.db),
      this.c.registry.decidedApplications(this.c.db),
    ]);
    return { specialists, pending, decided };
  }

  /** An administrator's decision; an approved inclusion adds (or restores) the entry, an exclusion ends it. */
  async decide(
    admin: Actor,
    applicationId: number,
    decision: 'approve' | 'reject',
    comment: string | null,
  ): Promise<ApplicationRow> {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    return inTransaction(this.c.db, async (tx) => {
      const app = await this.c.registry.lockApplication(tx, applicationId);
      if (!app) throw new NotFoundError();
      if (!applicationMachine.find(app.status, decision))
        throw new AppError('services:errors.applicationDecided', 409);
      const t = applicationMachine.require(app.status, decision, admin.roles);
      const now = this.c.now();
      if (t.effect === 'registry') {
        await this.c.registry.lockEntry(tx, app.person_id, app.kind, 'update');
        if (app.type === 'inclusion') {
          const person = await this.c.person(tx, app.person_id);
          await this.c.registry.include(tx, {
            personId: app.person_id,
            kind: app.kind,
            region: app.region || person.region,
            locality: app.locality || person.locality,
            today: astanaDate(now),
          });
        } else {
          await this.c.registry.exclude(tx, app.person_id, app.kind, now);
        }
      }
      await this.c.registry.decide(tx, app, decision, admin.personId, now, comment);
      await this.c.core.notifier.notify(
        tx,
        app.person_id,
        `services:sms.application.${app.type}.${decision}`,
        {},
        `specialist-application:${app.id}:${decision}`,
      );
      await audit(tx, {
        actorId: admin.personId,
        action: `specialist-registry.${app.type}-${decision}`,
        objectType: 'specialist-application',
        objectId: app.id,
        details: { personId: app.person_id, kind: app.kind },
      });
      return (await this.c.registry.lockApplication(tx, app.id))!;
    });
  }

  // ------------------------------------------------------------------ the administrator's suspension and exclusion

  /** The specialist's entries the administrator suspended or excluded, with the reason (a banner on every page). */
  async standingNotices(personId: number): Promise<{ kind: string; status: string; reason: string }[]> {
    const rows = await this.c.registry.ofPerson(this.c.db, personId);
    return rows
      .filter((r) => r.status !== 'active' && r.status_reason)
      .map((r) => ({ kind: r.kind, status: r.status, reason: r.status_reason! }));
  }

  /**
   * An entry of the registry and the standing step on it (docs/participants.md): a suspension hides
   * the specialist from the recipients' choice (orders already made go on), an exclusion is final
   * and ends the entry's open orders.
   */
  async standingTarget(admin: Actor, entryId: number, action: StandingAction) {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    const entry = await this.c.registry.view(this.c.db, entryId);
    if (!entry) throw new NotFoundError();
    const t = specialistStanding.require(entry.status, action, admin.roles);
    return { entry, to: t.to };
  }

  async issueStanding(admin: Actor, entryId: number, action: StandingAction, reason: string) {
    const { entry, to } = await this.standingTarget(admin, entryId, action);
    const signRequest = await this.c.steps.issue(
      admin,
      specialistStanding.document(action),
      { type: 'specialist-entry', id: entryId, version: 0 },
      {
        from: entry.status,
        to,
        specialist: [entry.surname, entry.name, entry.patronymic].filter(Boolean).join(' '),
        iin: entry.iin,
        specialistKind: entry.kind,
        reason,
      },
    );
    return { signRequest, entry, to };
  }

  async applyStanding(admin: Actor, entryId: number, action: StandingAction, signed: SignedInput) {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    return this.c.steps.apply(
      admin,
      specialistStanding.document(action),
      { type: 'specialist-entry', id: entryId },
      signed,
      async (tx, doc) => {
        const entry = await this.c.registry.lockEntryById(tx, entryId);
        if (!entry) throw new NotFoundError();
        const t = specialistStanding.require(entry.status, action, admin.roles);
        const reason = String((doc.request.payload as { reason?: unknown }).reason ?? '') || null;
        const now = this.c.now();
        await this.c.registry.setStanding(tx, entry.id, {
          status: t.to,
          reason: action === 'resume' ? null : reason,
          at: now,
          by: admin.personId,
        });
        const withdrawn =
          action === 'exclude' ? await this.withdrawal.withdrawEntry(tx, entry.id, reason ?? '', now) : [];
        await this.c.core.notifier.notify(
          tx,
          entry.person_id,
          `staff:sms.standing.${action}`,
          { reason: reason ?? '' },
          `specialist-standing:${entry.id}:${doc.id}`,
        );
        await audit(tx, {
          actorId: admin.personId,
          action: `specialist.${action}`,
          objectType: 'specialist',
          objectId: entry.id,
          signedDocumentId: doc.id,
          details: { personId: entry.person_id, kind: entry.kind, reason, withdrawnOrders: withdrawn },
        });
        return { status: t.to, withdrawn };
      },
    );
  }
}
