/**
 * An organisation runs its own staff: its head or a delegated administrator adds a person by IIN (as
 * the person registry knows them) as an employee or a specialist of the organisation, suspends,
 * resumes or removes them; each step is signed with the organisation's (legal-entity) SIGN key and
 * kept in the history. Only a person whose certificate carries the organisation's BIN may log in for
 * it (src/modules/auth), and every request of an employee is checked against the grant (access()).
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { maskIin } from '../../lib/iin.js';
import { audit } from '../audit/audit.js';
import { fullName } from '../people/names.js';
import type { RegistryPerson } from '../../integrations/ports.js';
import type { SignedInput } from '../signing/signed-steps.js';
import type { ParticipantsRepository, GrantView } from './repository.js';
import type { AddStaffInput } from './schemas.js';
import {
  employeeAccess,
  staffMachine,
  type EmployeeAccess,
  type GrantAction,
  type StaffRole,
} from './rules.js';

const ADD = staffMachine.document('add');
const CHANGE_ACTION: Record<GrantAction, 'suspended' | 'resumed' | 'removed'> = {
  suspend: 'suspended',
  resume: 'resumed',
  remove: 'removed',
};

export class StaffService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: ParticipantsRepository,
  ) {}

  /** What an employee's request meets now: the grant and the organisation's standing (one query). */
  async access(personId: number, organisationId: number): Promise<EmployeeAccess> {
    return employeeAccess(await this.repo.employeeAccess(this.core.db, personId, organisationId));
  }

  /** The organisation the actor manages the staff of: only its head or a staff administrator. */
  private async manager(actor: Actor): Promise<number> {
    const orgId = actor.organisationId;
    if (!actor.roles.includes('employee') || !orgId) throw new AppError('forbidden', 403);
    const a = await this.access(actor.personId, orgId);
    if (!a.ok || !a.orgAdmin) throw new AppError('staff:errors.notAdministrator', 403);
    return orgId;
  }

  async page(actor: Actor) {
    const orgId = await this.manager(actor);
    const [org, staff, history] = await Promise.all([
      this.core.people.organisationById(this.core.db, orgId),
      this.repo.staff(this.core.db, orgId),
      this.repo.history(this.core.db, orgId),
    ]);
    if (!org) throw new NotFoundError();
    return {
      organisation: { name: org.name, bin: org.bin, directions: org.directions },
      staff: staff.map((g) => ({
        ...g,
        iinMasked: maskIin(g.iin),
        self: g.person_id === actor.personId,
        actions: g.person_id === actor.personId ? [] : staffMachine.actionsFor(g.status, actor.roles),
        tone: staffMachine.tone(g.status),
      })),
      history,
    };
  }

  /** The person the registry knows by this IIN (the form's field error when it knows nobody). */
  private async registryPerson(iin: string): Promise<RegistryPerson> {
    const r = await this.core.integrations.personRegistry.findByIin(iin).catch((err: unknown) => {
      throw new AppError('registry_unavailable', 503, {
        detail: String(err).replace(/\b\d{12}\b/g, (m) => maskIin(m)),
      });
    });
    if (!r) throw new ValidationError({ iin: 'staff:errors.unknownIin' });
    return r;
  }

  /** The checks of an addition before anything is signed (and again when it is applied). */
  private async checkAddition(db: Knex | Knex.Transaction, orgId: number, iin: string, role: StaffRole) {
    const person = await this.core.people.findByIin(db, iin);
    if (person && (await this.repo.hasGrant(db, person.id, orgId, role)))
      throw new ValidationError({ iin: 'staff:errors.alreadyStaff' });
    if (role === 'specialist') {
      if (!person || !(await this.repo.isActiveSpecialist(db, person.id)))
        throw new ValidationError({ role: 'staff:errors.notSpecialist' });
    }
  }

  async issueAdd(actor: Actor, input: AddStaffInput) {
    const orgId = await this.manager(actor);
    const r = await this.registryPerson(input.iin);
    await this.checkAddition(this.core.db, orgId, input.iin, input.role);
    const org = (await this.core.people.organisationById(this.core.db, orgId))!;
    const name = fullName({ surname: r.surname, name: r.name, patronymic: r.patronymic ?? null });
    const signRequest = await this.core.steps.issue(
      actor,
      ADD,
      { type: 'organisation-staff', id: orgId, version: 0 },
      {
        from: '',
        to: 'active',
        organisation: org.name,
        bin: org.bin,
        iin: input.iin,
        person: name,
        role: input.role,
        orgAdmin: input.role === 'employee' && input.orgAdmin,
      },
    );
    return {
      signRequest,
      summary: {
        name,
        iin: input.iin,
        role: input.role,
        orgAdmin: input.role === 'employee' && input.orgAdmin,
      },
    };
  }

  async applyAdd(actor: Actor, signed: SignedInput): Promise<void> {
    const orgId = await this.manager(actor);
    // the registry is a remote system: asked before the transaction, for the IIN the document names
    const issued = await this.core.signing.findRequest(signed.signRequestId);
    const iin = typeof issued?.payload.iin === 'string' ? issued.payload.iin : '';
    const r = iin ? await this.registryPerson(iin) : null;
    await this.core.steps.apply(
      actor,
      ADD,
      { type: 'organisation-staff', id: orgId },
      signed,
      async (tx, doc) => {
        const p = doc.request.payload as { iin?: string; role?: string; orgAdmin?: boolean };
        if (!r || p.iin !== r.iin) throw new NotFoundError();
        const role: StaffRole = p.role === 'specialist' ? 'specialist' : 'employee';
        await this.checkAddition(tx, orgId, r.iin, role);
        const now = this.core.clock.now();
        const person = await this.core.people.upsertFromRegistry(tx, r, null, now);
        const orgAdmin = role === 'employee' && p.orgAdmin === true;
        const grantId = await this.repo.insertGrant(tx, {
          personId: person.id,
          organisationId: orgId,
          role,
          orgAdmin,
          by: actor.personId,
          at: now,
        });
        await this.repo.logChange(tx, {
          organisationId: orgId,
          personId: person.id,
          action: 'added',
          role,
          orgAdmin,
          by: actor.personId,
          signedDocumentId: doc.id,
          at: now,
        });
        await audit(tx, {
          actorId: actor.personId,
          organisationId: orgId,
          action: 'staff.added',
          objectType: 'staff-grant',
          objectId: grantId,
          signedDocumentId: doc.id,
          details: { personId: person.id, role, orgAdmin },
        });
      },
    );
  }

  /** A grant of the actor's organisation (404 for another organisation's) and the step on it. */
  private async target(
    actor: Actor,
    orgId: number,
    grantId: number,
    action: GrantAction,
  ): Promise<GrantView> {
    const g = await this.repo.grant(this.core.db, orgId, grantId);
    if (!g) throw new NotFoundError();
    this.guard(actor, g, action);
    return g;
  }

  private guard(actor: Actor, g: { person_id: number; status: 'active' | 'suspended' }, action: GrantAction) {
    if (g.person_id === actor.personId) throw new AppError('staff:errors.notYourself', 409);
    staffMachine.require(g.status, action, actor.roles);
  }

  async issueChange(actor: Actor, grantId: number, action: GrantAction) {
    const orgId = await this.manager(actor);
    const g = await this.target(actor, orgId, grantId, action);
    const t = staffMachine.find(g.status, action)!;
    const signRequest = await this.core.steps.issue(
      actor,
      staffMachine.document(action),
      { type: 'staff-grant', id: grantId, version: 0 },
      { from: g.status, to: t.to, iin: g.iin, person: g.person_name, role: g.role },
    );
    return { signRequest, grant: g, to: t.to };
  }

  async applyChange(actor: Actor, grantId: number, action: GrantAction, signed: SignedInput): Promise<void> {
    const orgId = await this.manager(actor);
    await this.core.steps.apply(
      actor,
      staffMachine.document(action),
      { type: 'staff-grant', id: grantId },
      signed,
      async (tx, doc) => {
        const g = await this.repo.lockGrant(tx, orgId, grantId);
        if (!g) throw new NotFoundError();
        this.guard(actor, g, action);
        const now = this.core.clock.now();
        if (action === 'remove') await this.repo.deleteGrant(tx, g.id);
        else await this.repo.setGrantStatus(tx, g.id, action === 'suspend' ? 'suspended' : 'active', now);
        await this.repo.logChange(tx, {
          organisationId: orgId,
          personId: g.person_id,
          action: CHANGE_ACTION[action],
          role: g.role,
          orgAdmin: g.org_admin,
          by: actor.personId,
          signedDocumentId: doc.id,
          at: now,
        });
        await audit(tx, {
          actorId: actor.personId,
          organisationId: orgId,
          action: `staff.${CHANGE_ACTION[action]}`,
          objectType: 'staff-grant',
          objectId: g.id,
          signedDocumentId: doc.id,
          details: { personId: g.person_id, role: g.role },
        });
      },
    );
  }
}
