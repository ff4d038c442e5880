import type { Knex } from 'knex';
import type { Actor } from '../../lib/actor.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import type { FieldValue } from '../../eds/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import { fullName } from '../people/names.js';
import { addressLine } from '../../lib/address.js';
import { asSelf, type AreaContext } from './context.js';
import { documentText } from './texts.js';
import { assignedSpecialist, type ServiceOrderView, type SpecialistView } from './repository.js';
import { SERVICE_DIRECTION } from '../offer/rules.js';
import {
  REASONS,
  REASON_STATUSES,
  SPECIALIST_VISIBLE,
  REASON_ACTIONS,
  creationRow,
  isReasonFor,
  journalOpen,
  serviceMachine,
  sideOf,
  type ReasonAction,
  type ServiceAction,
  type ServiceHelpType,
  type ServiceOrderContext,
  type ServiceStatus,
  type SignedServiceAction,
} from './rules.js';
import type { OrderFormInput, ReasonInput, SignedInput, SpecialistSearch } from './schemas.js';

const CREATE = creationRow(serviceMachine, 'create');
export const CREATE_PURPOSE = CREATE.document!.purpose;

/** Who is told of a signed step, and with which text. */
const SMS: Partial<Record<ServiceAction, { to: 'recipient' | 'specialist'; key: string }>> = {
  confirm: { to: 'specialist', key: 'services:sms.newOrder' },
  accept: { to: 'recipient', key: 'services:sms.accepted' },
  reject: { to: 'recipient', key: 'services:sms.rejected' },
  cancel: { to: 'specialist', key: 'services:sms.cancelled' },
  refuse: { to: 'specialist', key: 'services:sms.refused' },
  specialist_cancel: { to: 'recipient', key: 'services:sms.cancelledBySpecialist' },
};

const ORDER_OBJECT = 'service-order';

/** Whom a recipient orders from: a self-employed specialist, or an organisation that assigns one of its own. */
export type Provider = { kind: 'specialist'; id: number } | { kind: 'organisation'; id: number };

/** A bare id is a self-employed specialist's registry entry. */
const providerOf = (p: number | Provider): Provider =>
  typeof p === 'number' ? { kind: 'specialist', id: p } : p;

export interface ReasonView {
  action: string;
  reasonCode: string | null;
  comment: string | null;
  at: Date;
}

export interface OrderEventView {
  at: Date;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actorName: string | null;
  reasonCode: string | null;
  comment: string | null;
  signed: boolean;
  /** the specialist an organisation assigned (the «assign» step) */
  specialistName: string | null;
}

/** Recipient ordering (seed 000 items 19–32) and the specialist's answers (seed 001 items 5–9). */
export class ServiceOrderService {
  constructor(private readonly c: AreaContext) {}

  // ------------------------------------------------------------------ recipient: choosing a specialist

  /** «Помощь для вас» → help type → specialists (an assistant only in the recipient's locality). */
  async specialists(actor: Actor, helpType: ServiceHelpType) {
    const principal = await this.c.person(this.c.db, actor.principalId);
    const locality = helpType === 'UIP' ? principal.locality : null;
    const specialists = await this.c.registry.activeByKind(this.c.db, helpType, locality);
    const orgs = await this.c.registry.organisationsOffering(
      this.c.db,
      helpType,
      SERVICE_DIRECTION[helpType],
      locality,
    );
    const organisations = await Promise.all(
      orgs.map(async (o) => ({
        ...o,
        specialists: (await this.c.registry.ofOrganisation(this.c.db, o.id, helpType, locality)).map((s) =>
          fullName(s),
        ),
      })),
    );
    const openOrder = await this.c.core.orders.openOrder(this.c.db, actor.principalId, helpType);
    return {
      specialists,
      organisations,
      openOrder: openOrder ?? null,
      locality,
      principalName: fullName(principal),
    };
  }

  /** An organisation a recipient may order from: the direction, and a specialist of the kind (in the locality). */
  private async orderableOrganisation(
    db: Knex | Knex.Transaction,
    actor: Actor,
    helpType: ServiceHelpType,
    organisationId: number,
  ) {
    const locality = helpType === 'UIP' ? (await this.c.person(db, actor.principalId)).locality : null;
    const orgs = await this.c.registry.organisationsOffering(
      db,
      helpType,
      SERVICE_DIRECTION[helpType],
      locality,
    );
    const org = orgs.find((o) => o.id === organisationId);
    if (!org) throw new NotFoundError();
    return org;
  }

  /** The provider's names as the form, the document and the order show them. */
  private async provider(db: Knex | Knex.Transaction, actor: Actor, helpType: ServiceHelpType, p: Provider) {
    if (p.kind === 'specialist') {
      const specialist = await this.orderableSpecialist(db, actor, helpType, p.id);
      return { specialist, organisation: null };
    }
    return { specialist: null, organisation: await this.orderableOrganisation(db, actor, helpType, p.id) };
  }

  private async orderableSpecialist(
    db: Knex | Knex.Transaction,
    actor: Actor,
    helpType: ServiceHelpType,
    specialistId: number,
  ) {
    const s = await this.c.registry.view(db, specialistId);
    if (!s || s.kind !== helpType || s.status !== 'active') throw new NotFoundError();
    if (helpType === 'UIP') {
      const principal = await this.c.person(db, actor.principalId);
      if (principal.locality !== s.locality) throw new NotFoundError();
    }
    return s;
  }

  /** The creation form: the specialist's (or organisation's) details and the recipient's contacts and address. */
  async orderForm(actor: Actor, helpType: ServiceHelpType, p: number | Provider) {
    const { specialist, organisation } = await this.provider(this.c.db, actor, helpType, providerOf(p));
    const principal = await this.c.person(this.c.db, actor.principalId);
    const self =
      actor.personId === actor.principalId ? principal : await this.c.person(this.c.db, actor.personId);
    return {
      specialist,
      organisation,
      principalName: fullName(principal),
      defaults: {
        phone: principal.phone ?? self.phone ?? '',
        email: principal.email ?? self.email ?? '',
        address: addressLine(principal.address, false),
      },
    };
  }

  /** «Создать»: the order document to sign with the SIGN key. */
  async issueCreate(actor: Actor, helpType: ServiceHelpType, p: number | Provider, input: OrderFormInput) {
    const { specialist, organisation } = await this.provider(this.c.db, actor, helpType, providerOf(p));
    const open = await this.c.core.orders.openOrder(this.c.db, actor.principalId, helpType);
    if (open) throw new ConflictError('one_open_order_per_help_type');
    const principal = await this.c.person(this.c.db, actor.principalId);
    const signRequest = await this.c.steps.issue(
      actor,
      CREATE.document!,
      { type: ORDER_OBJECT, id: 'new', version: 0 },
      {
        title: documentText(`services:helpType.${helpType}`),
        helpType,
        ...(specialist
          ? {
              specialistId: specialist.id,
              specialistName: fullName(specialist),
              specialistIin: specialist.iin,
            }
          : {
              organisationId: organisation.id,
              organisationName: organisation.name,
              organisationBin: organisation.bin,
            }),
        recipientName: fullName(principal),
        phone: input.phone,
        email: input.email ?? '',
        address: input.address,
        comment: input.comment ?? '',
      },
    );
    return { signRequest, specialist, organisation, input };
  }

  /** The signed order: the entitlement rule, the order with its first event, the detail row. */
  async create(
    actor: Actor,
    helpType: ServiceHelpType,
    target: number | Provider,
    signed: SignedInput,
  ): Promise<OrderRow> {
    const p = providerOf(target);
    return this.c.steps.apply(
      actor,
      CREATE.document!,
      { type: ORDER_OBJECT, id: 'new' },
      signed,
      async (tx, doc) => {
        const payload = doc.request.payload as Record<string, unknown>;
        const issuedFor = p.kind === 'specialist' ? payload.specialistId : payload.organisationId;
        if (payload.helpType !== helpType || Number(issuedFor) !== p.id) throw new NotFoundError();
        const { specialist, organisation } = await this.provider(tx, actor, helpType, p);
        const measure = await this.c.entitlements.assertCanOrder(tx, actor.principalId, helpType);
        const now = this.c.now();
        const order = await this.c.core.orders.create(tx, {
          kind: 'service',
          helpType,
          recipientId: actor.principalId,
          createdBy: actor.personId,
          measureId: measure.id,
          specialistId: specialist?.person_id ?? null,
          organisationId: organisation?.id ?? null,
          status: CREATE.to,
          details: specialist
            ? { specialistName: fullName(specialist), specialistEntryId: specialist.id }
            : { organisationName: organisation.name },
          signedDocumentId: doc.id,
          action: CREATE.action,
          at: now,
        });
        await this.c.serviceOrders.insertDetail(tx, {
          order_id: order.id,
          specialist_entry_id: specialist?.id ?? null,
          specialist_person_id: specialist?.person_id ?? null,
          organisation_id: organisation?.id ?? null,
          help_type: helpType,
          phone: String(payload.phone ?? ''),
          email: payload.email ? String(payload.email) : null,
          address: String(payload.address ?? ''),
          comment: payload.comment ? String(payload.comment) : null,
        });
        await audit(tx, {
          actorId: actor.personId,
          principalId: actor.principalId,
          action: 'service-order.create',
          objectType: 'order',
          objectId: order.id,
          signedDocumentId: doc.id,
          ...(organisation ? { organisationId: organisation.id } : {}),
        });
        return order;
      },
    );
  }

  // ------------------------------------------------------------------ recipient: the order card

  async recipientOrders(actor: Actor) {
    const orders = await this.c.serviceOrders.forRecipient(this.c.db, actor.principalId);
    const reasons = await this.reasonsOf(orders.map((o) => o.id));
    return orders.map((o) => ({
      order: o,
      actions: this.recipientActions(o, actor),
      reasons: REASON_STATUSES.includes(o.status as ServiceStatus) ? (reasons.get(o.id) ?? []) : [],
    }));
  }

  /** The recipient's buttons: the machine's actions for the recipient's roles of the actor. */
  private recipientActions(o: OrderRow, actor: Actor): ServiceAction[] {
    const roles = actor.roles.filter((r) => r === 'recipient' || r === 'guardian');
    return serviceMachine.actionsFor(o.status as ServiceStatus, roles);
  }

  async recipientCard(actor: Actor, orderId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const [events, acts] = await Promise.all([this.events(orderId), this.c.acts.ofOrder(this.c.db, orderId)]);
    return {
      order,
      events,
      actions: this.recipientActions(order, actor),
      reasons: this.reasonsFromEvents(events),
      showReasons: REASON_STATUSES.includes(order.status as ServiceStatus),
      actsToSign: acts.filter((a) => a.status === 'awaiting_recipient'),
      acts: acts.filter((a) => a.status === 'sent'),
      // acts the recipient refused to sign, with the reasons (issue 19 item 7)
      disputedActs: acts.filter((a) => a.status === 'disputed'),
    };
  }

  /** «Удалить» a created order (nothing was agreed yet: no signature). */
  async delete(actor: Actor, orderId: number): Promise<void> {
    await inTransaction(this.c.db, async (tx) => {
      await this.c.recipientOrder(tx, actor, orderId);
      const order = await this.c.core.orders.lock(tx, orderId);
      serviceMachine.require(order.status as ServiceStatus, 'delete', actor.roles);
      await this.c.core.orders.transition(tx, order, serviceMachine, 'delete', {
        actorId: actor.personId,
        principalId: actor.principalId,
        at: this.c.now(),
      });
      await audit(tx, {
        actorId: actor.personId,
        principalId: actor.principalId,
        action: 'service-order.delete',
        objectType: 'order',
        objectId: orderId,
      });
    });
  }

  // ------------------------------------------------------------------ signed actions (both sides)

  reasonsFor(action: ReasonAction): readonly string[] {
    return REASONS[action];
  }

  /** What the order's guards look at (seed 001 item 7: the specialist's registry entry; the act with the end flag). */
  async guardContext(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    jointWorkEnded = order.detail.joint_work_ended,
  ): Promise<ServiceOrderContext> {
    const entryId = order.detail.specialist_entry_id;
    const entry = entryId === null ? undefined : await this.c.registry.view(db, entryId);
    return {
      awaitingAssignment: entryId === null && order.detail.organisation_id !== null,
      jointWorkEnded,
      specialistActive: entry?.status === 'active',
      pendingExclusion: Boolean(entry?.pending_exclusion),
    };
  }

  private sideOrder(db: Knex | Knex.Transaction, actor: Actor, orderId: number, action: SignedServiceAction) {
    return sideOf(action) === 'recipient'
      ? this.c.recipientOrder(db, actor, orderId)
      : this.c.specialistOrder(db, actor, orderId);
  }

  /** The order for a signed action, checked against the actor and the state machine (with its guards). */
  async actionTarget(actor: Actor, orderId: number, action: SignedServiceAction) {
    const order = await this.sideOrder(this.c.db, actor, orderId, action);
    serviceMachine.require(
      order.status as ServiceStatus,
      action,
      actor.roles,
      await this.guardContext(this.c.db, order),
    );
    return { order };
  }

  /** A specialist signs for themselves; a recipient or guardian for the principal. */
  private signer(actor: Actor, action: SignedServiceAction): Actor {
    return sideOf(action) === 'specialist' ? asSelf(actor) : actor;
  }

  /** Issues the document of a signed action (with the reason where one is given). */
  async issueAction(
    actor: Actor,
    orderId: number,
    action: SignedServiceAction,
    reason?: ReasonInput,
  ): Promise<{ signRequest: IssuedSignRequest; order: ServiceOrderView }> {
    const { order } = await this.actionTarget(actor, orderId, action);
    const t = serviceMachine.find(order.status as ServiceStatus, action)!;
    if (reason && !isReasonFor(action as ReasonAction, reason.reason))
      throw new ValidationError({ reason: 'services:errors.reasonRequired' });
    if (t.reasonRequired && !reason) throw new ValidationError({ reason: 'services:errors.reasonRequired' });
    const step = t.document!;
    const reasonText = reason ? this.reasonText(reason.reason, reason.comment) : '';
    const base = {
      orderNumber: order.number,
      helpType: order.help_type,
      recipientName: order.recipient_name,
      specialistName: order.specialist_name,
    };
    const payload: Record<string, FieldValue> =
      step.kind === 'refusal'
        ? {
            ...base,
            reason: reasonText || documentText('services:doc.noReason'),
            reasonCode: reason?.reason ?? '',
            comment: reason?.comment ?? '',
          }
        : step.kind === 'reimbursement-application'
          ? {
              ...base,
              title: documentText('services:doc.reimbursementTitle'),
              statement: documentText('services:doc.reimbursementStatement', base),
            }
          : { ...base, statement: documentText('services:doc.acceptStatement', base) };
    const signRequest = await this.c.steps.issue(
      this.signer(actor, action),
      step,
      { type: ORDER_OBJECT, id: order.id, version: order.version },
      payload,
    );
    return { signRequest, order };
  }

  /** Applies a signed action: the status change, its event with the signed document, and who is told. */
  async applyAction(
    actor: Actor,
    orderId: number,
    action: SignedServiceAction,
    signed: SignedInput,
  ): Promise<OrderRow> {
    const recipientSide = sideOf(action) === 'recipient';
    return this.c.steps.apply(
      this.signer(actor, action),
      serviceMachine.document(action),
      { type: ORDER_OBJECT, id: orderId },
      signed,
      async (tx, signedDoc) => {
        const req = signedDoc.request;
        const view = await this.sideOrder(tx, actor, orderId, action);
        const order = await this.c.core.orders.lock(tx, orderId);
        // the registry entry is locked so that an exclusion application cannot slip in between
        if (action === 'accept')
          await this.c.registry.lockEntry(tx, assignedSpecialist(view.detail), view.help_type, 'share');
        const detail = await this.c.serviceOrders.detail(tx, orderId);
        const t = serviceMachine.require(
          order.status as ServiceStatus,
          action,
          actor.roles,
          await this.guardContext(tx, view, Boolean(detail?.joint_work_ended)),
        );
        const now = this.c.now();
        const p = req.payload as Record<string, unknown>;
        const reasonCode = typeof p.reasonCode === 'string' && p.reasonCode ? p.reasonCode : null;
        const comment = typeof p.comment === 'string' && p.comment ? p.comment : null;
        const row = await this.c.core.orders.transition(tx, order, serviceMachine, action, {
          actorId: actor.personId,
          principalId: recipientSide ? actor.principalId : order.recipient_id,
          reason: reasonCode ? this.reasonText(reasonCode, comment ?? undefined) : null,
          details: reasonCode ? { reasonCode, comment } : {},
          signedDocumentId: signedDoc.id,
          at: now,
          ...(req.object_version !== null ? { expectedVersion: req.object_version } : {}),
        });
        await this.afterTransition(tx, view, row, t, now);
        await audit(tx, {
          actorId: actor.personId,
          principalId: actor.principalId,
          action: `service-order.${action}`,
          objectType: 'order',
          objectId: orderId,
          signedDocumentId: signedDoc.id,
          details: reasonCode ? { reasonCode } : {},
        });
        return row;
      },
    );
  }

  /** Who is told of the step, and the row's effect: the execution starts (its day) or ends (Е-Собес). */
  private async afterTransition(
    tx: Knex.Transaction,
    view: ServiceOrderView,
    row: OrderRow,
    t: { action: ServiceAction; effect?: 'start' | 'end' },
    now: Date,
  ) {
    if (t.effect === 'start')
      await this.c.serviceOrders.updateDetail(tx, row.id, { confirmed_on: astanaDate(now) });
    const sms = SMS[t.action];
    if (sms) {
      const params = { number: row.number, specialist: view.specialist_name, recipient: view.recipient_name };
      // an organisation's order has no specialist to tell until one is assigned
      const to = sms.to === 'recipient' ? row.recipient_id : view.detail.specialist_person_id;
      if (to !== null)
        await this.c.core.notifier.notify(tx, to, sms.key, params, `service-order:${row.id}:${row.status}`);
    }
    if (t.effect === 'end') await this.endedToEsobes(tx, view, row, now);
  }

  /** An executed order that ends tells Е-Собес, so the measure may be ordered again elsewhere. */
  async endedToEsobes(tx: Knex.Transaction, view: ServiceOrderView, row: OrderRow, now: Date): Promise<void> {
    const measure = row.measure_id
      ? ((await tx('ipr_measures')
          .where({ id: row.measure_id })
          .first('external_id', 'volume', 'used_volume')) as
          { external_id: string; volume: number; used_volume: number } | undefined)
      : undefined;
    await this.c.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: row.status === 'completed' ? 'service-order-completed' : 'service-order-ended',
      idempotencyKey: `service-order:${row.id}:${row.status}`,
      payload: {
        orderNumber: row.number,
        helpType: row.help_type,
        status: row.status,
        measureExternalId: measure?.external_id ?? null,
        volume: measure?.volume ?? null,
        usedVolume: measure?.used_volume ?? null,
        recipientIin: view.recipient_iin,
        specialistIin: view.specialist_iin,
        organisationBin: view.organisation_bin,
        at: now.toISOString(),
      },
    });
  }

  // ------------------------------------------------------------------ specialist cabinet

  async specialistOrders(actor: Actor, search: SpecialistSearch) {
    this.c.requireSpecialist(actor);
    const pageSize = 20;
    const status =
      search.status && SPECIALIST_VISIBLE.includes(search.status as ServiceStatus)
        ? search.status
        : undefined;
    const { rows, total } = await this.c.serviceOrders.searchForSpecialist(this.c.db, actor.personId, {
      statuses: SPECIALIST_VISIBLE,
      ...(search.from ? { from: search.from } : {}),
      ...(search.to ? { to: search.to } : {}),
      ...(status ? { status } : {}),
      ...(search.surname ? { surname: search.surname } : {}),
      ...(search.name ? { name: search.name } : {}),
      limit: pageSize,
      offset: (search.page - 1) * pageSize,
    });
    const reasons = await this.reasonsOf(
      rows.filter((o) => REASON_STATUSES.includes(o.status as ServiceStatus)).map((o) => o.id),
    );
    return {
      rows: rows.map((o) => ({
        order: o,
        // the machine's actions without the registry's guards: «Ответить» opens the answer, which says why not
        actions: serviceMachine.actionsFor(o.status as ServiceStatus, ['specialist']),
        canJournal: journalOpen(o.status, o.detail.joint_work_ended),
        reasons: reasons.get(o.id) ?? [],
      })),
      total,
      page: search.page,
      pages: Math.max(1, Math.ceil(total / pageSize)),
      statuses: SPECIALIST_VISIBLE,
    };
  }

  async specialistCard(actor: Actor, orderId: number) {
    this.c.requireSpecialist(actor);
    const order = await this.c.specialistOrder(this.c.db, actor, orderId);
    const events = await this.events(orderId);
    const ctx = await this.guardContext(this.c.db, order);
    const actions = serviceMachine.actionsFor(order.status as ServiceStatus, ['specialist'], ctx);
    return {
      order,
      events,
      reasons: this.reasonsFromEvents(events),
      showReasons: REASON_STATUSES.includes(order.status as ServiceStatus),
      actions,
      canJournal: journalOpen(order.status, order.detail.joint_work_ended),
      pendingExclusion: ctx.pendingExclusion,
      excluded: !ctx.specialistActive,
    };
  }

  // ------------------------------------------------------------------ helpers

  async events(orderId: number): Promise<OrderEventView[]> {
    const rows = await this.c.core.orders.events(this.c.db, orderId);
    return rows.map((e) => ({
      at: e.at,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      actorName: e.actor_name,
      reasonCode: typeof e.details?.reasonCode === 'string' ? e.details.reasonCode : null,
      comment: typeof e.details?.comment === 'string' ? e.details.comment : null,
      signed: e.signed_document_id !== null,
      specialistName:
        e.action === 'assign' && typeof e.details?.specialistName === 'string'
          ? e.details.specialistName
          : null,
    }));
  }

  /** The reasons among the order's events («Просмотреть причины»). */
  reasonsFromEvents(events: OrderEventView[]): ReasonView[] {
    return events
      .filter((e) => e.reasonCode || REASON_ACTIONS.includes(e.action as ServiceAction))
      .map((e) => ({ action: e.action, reasonCode: e.reasonCode, comment: e.comment, at: e.at }));
  }

  private async reasonsOf(orderIds: number[]): Promise<Map<number, ReasonView[]>> {
    const rows = await this.c.serviceOrders.reasons(this.c.db, orderIds);
    const map = new Map<number, ReasonView[]>();
    for (const r of rows) {
      const list = map.get(r.order_id) ?? [];
      list.push({
        action: r.action,
        reasonCode: typeof r.details?.reasonCode === 'string' ? r.details.reasonCode : null,
        comment: typeof r.details?.comment === 'string' ? r.details.comment : null,
        at: r.at,
      });
      map.set(r.order_id, list);
    }
    return map;
  }

  /** A reason as the signed document and the event state it: its label, and the comment after it. */
  reasonText(code: string, comment?: string): string {
    const label = documentText(`services:reasons.${code}`);
    return comment ? `${label}: ${comment}` : label;
  }
}

export type { SpecialistView };
