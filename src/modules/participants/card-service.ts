import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { DIRECTIONS, type Direction } from '../directory/lists.js';
import type { CoreServices } from '../index.js';
import { audit } from '../audit/audit.js';
import type { StepDocument } from '../orders/state-machine.js';
import type { SignedInput } from '../signing/signed-steps.js';
import { directionsForActivity, formatOkved, okvedRule } from './okved.js';
import type { OrganisationCardRow, RegistrationRepository } from './registration-repository.js';

export const NARROW_DIRECTIONS: StepDocument = {
  kind: 'organisation-directions',
  purpose: 'organisation.directions',
  signer: 'individual',
};

/**
 * «Карточка организации» (rules item 13): the registry's data and the directions of work. The main
 * activity code (ОКЭД) opens directions (`available_directions`); the administrator may only narrow
 * them, with a reason, signed; `directions` is what is in effect (what the rest of the portal reads).
 */
export class OrganisationCardService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: RegistrationRepository,
  ) {}

  private async view(org: OrganisationCardRow) {
    // the registry's current answer where it gives one, else what the organisation registered with
    const live =
      org.kind === 'entrepreneur'
        ? await this.core.integrations.entrepreneurRegistry.findByIin(org.bin).catch(() => null)
        : await this.core.integrations.organisationRegistry.findByBin(org.bin).catch(() => null);
    const registry = (live ??
      (Object.keys(org.registry_data ?? {}).length ? org.registry_data : null)) as Record<
      string,
      unknown
    > | null;
    const available = DIRECTIONS.filter((d) => org.available_directions.includes(d));
    const effective = DIRECTIONS.filter((d) => org.directions.includes(d));
    return {
      org: {
        id: org.id,
        bin: org.bin,
        kind: org.kind,
        name: org.name,
        head: org.head,
        address: org.address,
        activityCode: formatOkved(org.activity_code),
        activityTitle: okvedRule(org.activity_code)?.title ?? null,
        otherActivityCodes: (org.other_activity_codes ?? []).map(formatOkved),
        active: org.active,
      },
      registry,
      registryLive: Boolean(live),
      /** what the main activity code opens by the table today */
      byActivity: directionsForActivity(org.activity_code),
      directions: DIRECTIONS.map((d) => ({
        code: d,
        available: available.includes(d),
        effective: effective.includes(d),
      })),
      narrowed: available.some((d) => !effective.includes(d)),
      reason: org.directions_reason,
      narrowedAt: org.directions_narrowed_at,
    };
  }

  /** The card of the employee's own organisation. */
  async mine(actor: Actor) {
    if (!actor.roles.includes('employee') || !actor.organisationId) throw new AppError('forbidden', 403);
    const org = await this.repo.card(this.core.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    return this.view(org);
  }

  async adminCard(admin: Actor, id: number) {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    const org = await this.repo.card(this.core.db, id);
    if (!org) throw new NotFoundError();
    return this.view(org);
  }

  /** The directions chosen must be among the available ones; narrowing needs a reason. */
  private check(org: OrganisationCardRow, chosen: Direction[], reason: string | undefined): Direction[] {
    const wanted = DIRECTIONS.filter((d) => chosen.includes(d));
    if (wanted.some((d) => !org.available_directions.includes(d)))
      throw new ValidationError({ directions: 'participants:errors.notAvailable' });
    const narrower = org.available_directions.some((d) => !wanted.includes(d as Direction));
    if (narrower && !reason) throw new ValidationError({ reason: 'participants:errors.reasonRequired' });
    const same = wanted.length === org.directions.length && wanted.every((d) => org.directions.includes(d));
    if (same && (reason ?? null) === (org.directions_reason ?? null))
      throw new ValidationError({ directions: 'participants:errors.nothingChanged' });
    return wanted;
  }

  async issueDirections(
    admin: Actor,
    id: number,
    input: { directions: Direction[]; reason?: string | undefined },
  ) {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    const org = await this.repo.card(this.core.db, id);
    if (!org) throw new NotFoundError();
    const directions = this.check(org, input.directions, input.reason);
    const narrower = org.available_directions.some((d) => !directions.includes(d as Direction));
    const signRequest = await this.core.steps.issue(
      { personId: admin.personId, principalId: admin.personId, roles: admin.roles },
      NARROW_DIRECTIONS,
      { type: 'organisation', id, version: 0 },
      {
        bin: org.bin,
        name: org.name,
        available: DIRECTIONS.filter((d) => org.available_directions.includes(d)),
        directions,
        reason: narrower ? (input.reason ?? '') : '',
      },
    );
    return {
      signRequest,
      org: { id: org.id, name: org.name, bin: org.bin },
      directions,
      reason: narrower ? (input.reason ?? '') : '',
    };
  }

  async applyDirections(admin: Actor, id: number, signed: SignedInput) {
    if (!admin.roles.includes('admin')) throw new AppError('forbidden', 403);
    const self = { personId: admin.personId, principalId: admin.personId, roles: admin.roles };
    return this.core.steps.apply(
      self,
      NARROW_DIRECTIONS,
      { type: 'organisation', id },
      signed,
      async (tx, doc) => {
        const org = await this.repo.lockCard(tx, id);
        if (!org) throw new NotFoundError();
        const p = doc.request.payload as { directions?: string[]; reason?: string };
        const directions = DIRECTIONS.filter((d) => (p.directions ?? []).includes(d));
        // the directions open to it may have changed since the document was issued
        if (directions.some((d) => !org.available_directions.includes(d)))
          throw new AppError('participants:errors.notAvailable', 409);
        const reason = p.reason || null;
        await this.repo.setDirections(tx, id, {
          directions,
          directions_reason: reason,
          directions_narrowed_at: this.core.clock.now(),
          directions_narrowed_by: admin.personId,
          directions_document_id: doc.id,
        });
        await audit(tx, {
          actorId: admin.personId,
          organisationId: id,
          action: 'organisation.directions',
          objectType: 'organisation',
          objectId: id,
          signedDocumentId: doc.id,
          details: { from: org.directions, to: directions, reason },
        });
        return { directions, reason };
      },
    );
  }
}
