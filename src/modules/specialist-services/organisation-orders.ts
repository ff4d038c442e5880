import type { Actor } from '../../lib/actor.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { audit } from '../audit/audit.js';
import { fullName } from '../people/names.js';
import { SERVICE_DIRECTION } from '../offer/rules.js';
import type { AreaContext } from './context.js';
import type { ServiceOrderService } from './order-service.js';
import type { ServiceOrderView } from './repository.js';
import { documentText } from './texts.js';
import {
  REASONS,
  REASON_STATUSES,
  SPECIALIST_VISIBLE,
  isReasonFor,
  serviceMachine,
  type ServiceHelpType,
  type ServiceStatus,
} from './rules.js';
import type { ReasonInput, SignedInput } from './schemas.js';

const ORDER_OBJECT = 'service-order';

/**
 * Sign-language and assistant orders sent to an organisation (seed 001 item 28): the organisation's
 * employees see them in its cabinet; one of them accepts the order and assigns one of the
 * organisation's specialists, signed with the employee's key; from then on the assigned specialist
 * keeps the journal and acts as for an order of their own. Or the employee declines the order with a
 * reason (signed the same way), as a specialist rejects one: the recipient sees the reason and may
 * order elsewhere.
 */
export class OrganisationOrderService {
  constructor(
    private readonly c: AreaContext,
    private readonly orders: ServiceOrderService,
  ) {}

  /** The actor's organisation, which must provide sign-language or assistant services. */
  private async organisationOf(actor: Actor) {
    if (!actor.organisationId) throw new AppError('forbidden', 403);
    const org = await this.c.core.people.organisationById(this.c.db, actor.organisationId);
    if (!org) throw new AppError('forbidden', 403);
    if (!Object.values(SERVICE_DIRECTION).some((d) => org.directions.includes(d)))
      throw new AppError('offer:errors.noServiceDirection', 403);
    return org;
  }

  /** Refuses (403) anyone but an employee of an organisation with the direction, before a form is read. */
  async assertServiceOrganisation(actor: Actor): Promise<void> {
    await this.organisationOf(actor);
  }

  /** An order sent to the actor's organisation, or 404 (another organisation's never shows). */
  private async ownOrder(actor: Actor, orderId: number): Promise<ServiceOrderView> {
    const org = await this.organisationOf(actor);
    const o = await this.c.serviceOrders.view(this.c.db, orderId);
    if (!o || o.detail.organisation_id !== org.id || !SPECIALIST_VISIBLE.includes(o.status as ServiceStatus))
      throw new NotFoundError();
    return o;
  }

  /** The specialists the organisation may assign: its own, of the kind, an assistant in the recipient's locality. */
  private async candidates(db: Parameters<AreaContext['person']>[0], order: ServiceOrderView) {
    const helpType = order.help_type as ServiceHelpType;
    const locality = helpType === 'UIP' ? (await this.c.person(db, order.recipient_id)).locality : null;
    return this.c.registry.ofOrganisation(db, order.detail.organisation_id!, helpType, locality);
  }

  async list(actor: Actor) {
    const org = await this.organisationOf(actor);
    const rows = await this.c.serviceOrders.forOrganisation(this.c.db, org.id, SPECIALIST_VISIBLE);
    return {
      org: { id: org.id, name: org.name },
      rows: await Promise.all(
        rows.map(async (o) => ({
          order: o,
          actions: serviceMachine.actionsFor(
            o.status as ServiceStatus,
            ['employee'],
            await this.orders.guardContext(this.c.db, o),
          ),
        })),
      ),
    };
  }

  async card(actor: Actor, orderId: number) {
    const order = await this.ownOrder(actor, orderId);
    const ctx = await this.orders.guardContext(this.c.db, order);
    const actions = serviceMachine.actionsFor(order.status as ServiceStatus, ['employee'], ctx);
    const candidates = actions.includes('assign') ? await this.candidates(this.c.db, order) : [];
    const events = await this.orders.events(orderId);
    return {
      order,
      events,
      actions,
      reasons: this.orders.reasonsFromEvents(events),
      showReasons: REASON_STATUSES.includes(order.status as ServiceStatus),
      candidates: candidates.map((s) => ({ id: s.id, name: fullName(s), locality: s.locality })),
    };
  }

  /** «Назначить специалиста»: the document the employee signs, naming the chosen specialist. */
  async issueAssign(
    actor: Actor,
    orderId: number,
    specialistEntryId: number,
  ): Promise<{ signRequest: IssuedSignRequest; order: ServiceOrderView; specialistName: string }> {
    const order = await this.ownOrder(actor, orderId);
    serviceMachine.require(
      order.status as ServiceStatus,
      'assign',
      actor.roles,
      await this.orders.guardContext(this.c.db, order),
    );
    const specialist = (await this.candidates(this.c.db, order)).find((s) => s.id === specialistEntryId);
    if (!specialist) throw new ValidationError({ specialist: 'offer:errors.specialistRequired' });
    const base = {
      orderNumber: order.number,
      helpType: order.help_type,
      recipientName: order.recipient_name,
      organisationName: order.organisation_name ?? '',
      specialistEntryId: specialist.id,
      specialistName: fullName(specialist),
      specialistIin: specialist.iin,
    };
    const signRequest = await this.c.steps.issue(
      actor,
      serviceMachine.document('assign'),
      { type: ORDER_OBJECT, id: order.id, version: order.version },
      { ...base, statement: documentText('offer:doc.assignStatement', base) },
    );
    return { signRequest, order, specialistName: base.specialistName };
  }

  /** The signed assignment: the order goes into execution with the specialist named in the document. */
  async assign(actor: Actor, orderId: number, signed: SignedInput) {
    await this.ownOrder(actor, orderId);
    return this.c.steps.apply(
      actor,
      serviceMachine.document('assign'),
      { type: ORDER_OBJECT, id: orderId },
      signed,
      async (tx, doc) => {
        const view = await this.ownOrder(actor, orderId);
        const order = await this.c.core.orders.lock(tx, orderId);
        const detail = await this.c.serviceOrders.detail(tx, orderId);
        if (!detail) throw new NotFoundError();
        serviceMachine.require(order.status as ServiceStatus, 'assign', actor.roles, {
          awaitingAssignment: detail.specialist_entry_id === null,
          jointWorkEnded: detail.joint_work_ended,
          specialistActive: true,
          pendingExclusion: false,
        });
        const p = doc.request.payload as Record<string, unknown>;
        const entryId = Number(p.specialistEntryId);
        const specialist = (await this.candidates(tx, view)).find((s) => s.id === entryId);
        if (!specialist) throw new AppError('offer:errors.specialistUnavailable', 409);
        // an exclusion application and this assignment do not interleave
        await this.c.registry.lockEntry(tx, specialist.person_id, view.help_type, 'share');
        if (specialist.pending_exclusion) throw new AppError('services:errors.pendingExclusion', 409);
        const now = this.c.now();
        await this.c.serviceOrders.assignSpecialist(tx, orderId, specialist);
        const row = await this.c.core.orders.transition(tx, order, serviceMachine, 'assign', {
          actorId: actor.personId,
          principalId: order.recipient_id,
          details: { specialistName: fullName(specialist), specialistEntryId: specialist.id },
          signedDocumentId: doc.id,
          at: now,
          ...(doc.request.object_version !== null ? { expectedVersion: doc.request.object_version } : {}),
        });
        await this.c.serviceOrders.updateDetail(tx, orderId, { confirmed_on: astanaDate(now) });
        const params = {
          number: row.number,
          organisation: view.organisation_name ?? '',
          specialist: fullName(specialist),
          recipient: view.recipient_name,
        };
        const key = `service-order:${row.id}:${row.status}`;
        await this.c.core.notifier.notify(
          tx,
          row.recipient_id,
          'offer:sms.assignedRecipient',
          params,
          `${key}:r`,
        );
        await this.c.core.notifier.notify(
          tx,
          specialist.person_id,
          'offer:sms.assignedSpecialist',
          params,
          `${key}:s`,
        );
        await audit(tx, {
          actorId: actor.personId,
          organisationId: view.detail.organisation_id,
          action: 'service-order.assign',
          objectType: 'order',
          objectId: orderId,
          signedDocumentId: doc.id,
          details: { specialistEntryId: specialist.id },
        });
        return row;
      },
    );
  }

  // ------------------------------------------------------------------ «Отказать»: declined with a reason

  /** The reasons the organisation may give. */
  reasonsFor(action: 'decline'): readonly string[] {
    return REASONS[action];
  }

  /** The order the employee declines: the organisation's own, not yet assigned (a clear 409 once it is). */
  async actionTarget(actor: Actor, orderId: number, action: 'decline' = 'decline') {
    const order = await this.ownOrder(actor, orderId);
    if (order.detail.specialist_entry_id !== null) throw new AppError('services:errors.alreadyAssigned', 409);
    serviceMachine.require(
      order.status as ServiceStatus,
      action,
      actor.roles,
      await this.orders.guardContext(this.c.db, order),
    );
    return { order };
  }

  /** The refusal the employee signs: the order, the organisation and the reason. */
  async issueAction(
    actor: Actor,
    orderId: number,
    action: 'decline',
    reason: ReasonInput,
  ): Promise<{ signRequest: IssuedSignRequest; order: ServiceOrderView }> {
    const { order } = await this.actionTarget(actor, orderId, action);
    if (!isReasonFor(action, reason.reason))
      throw new ValidationError({ reason: 'services:errors.reasonRequired' });
    const signRequest = await this.c.steps.issue(
      actor,
      serviceMachine.document(action),
      { type: ORDER_OBJECT, id: order.id, version: order.version },
      {
        orderNumber: order.number,
        helpType: order.help_type,
        recipientName: order.recipient_name,
        organisationName: order.organisation_name ?? '',
        reason: this.orders.reasonText(reason.reason, reason.comment),
        reasonCode: reason.reason,
        comment: reason.comment ?? '',
      },
    );
    return { signRequest, order };
  }

  /** The signed refusal: the order is declined, its event keeps the reason, the recipient is told. */
  async applyAction(actor: Actor, orderId: number, action: 'decline', signed: SignedInput) {
    await this.actionTarget(actor, orderId, action);
    return this.c.steps.apply(
      actor,
      serviceMachine.document(action),
      { type: ORDER_OBJECT, id: orderId },
      signed,
      async (tx, doc) => {
        const view = await this.ownOrder(actor, orderId);
        const order = await this.c.core.orders.lock(tx, orderId);
        const detail = await this.c.serviceOrders.detail(tx, orderId);
        if (!detail) throw new NotFoundError();
        // an assignment signed meanwhile wins: the order is no longer the organisation's to decline
        if (detail.specialist_entry_id !== null) throw new AppError('services:errors.alreadyAssigned', 409);
        serviceMachine.require(order.status as ServiceStatus, action, actor.roles, {
          awaitingAssignment: true,
          jointWorkEnded: detail.joint_work_ended,
          specialistActive: true,
          pendingExclusion: false,
        });
        const p = doc.request.payload as Record<string, unknown>;
        const reasonCode = String(p.reasonCode);
        const comment = typeof p.comment === 'string' && p.comment ? p.comment : null;
        const row = await this.c.core.orders.transition(tx, order, serviceMachine, action, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          reason: this.orders.reasonText(reasonCode, comment ?? undefined),
          details: { reasonCode, comment },
          signedDocumentId: doc.id,
          at: this.c.now(),
          ...(doc.request.object_version !== null ? { expectedVersion: doc.request.object_version } : {}),
        });
        await this.c.core.notifier.notify(
          tx,
          row.recipient_id,
          'services:sms.declinedByOrganisation',
          { number: row.number, organisation: view.organisation_name ?? '' },
          `service-order:${row.id}:${row.status}`,
        );
        await audit(tx, {
          actorId: actor.personId,
          organisationId: view.detail.organisation_id,
          action: 'service-order.decline',
          objectType: 'order',
          objectId: orderId,
          signedDocumentId: doc.id,
          details: { reasonCode },
        });
        return row;
      },
    );
  }
}
