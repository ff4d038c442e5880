import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import type { FieldValue } from '../../eds/index.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { SignedDoc, SignedInput } from '../signing/signed-steps.js';
import type { MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import type { LockedStep, MsuOrderSteps } from './order-steps.js';
import {
  arrivalDeadline,
  msuMachine,
  MSU_HELP_TYPE,
  RECIPIENT_ROLES,
  requireStep,
  type MsuStatus,
} from './rules.js';
import {
  historyView,
  offerView,
  orderListItem,
  orderSummary,
  placeView,
  positionChangeView,
} from './view-models.js';

type RecipientStep = 'cancel_queue' | 'accept_offer' | 'decline_offer' | 'cancel_enrolment';
type StepEffect = (tx: Knex.Transaction, doc: SignedDoc, locked: LockedStep, actor: Actor) => Promise<void>;

/** The recipient's own МСУ orders: the list, the order card and its signed steps. */
export class MsuRecipientService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
    private readonly steps: MsuOrderSteps,
  ) {}

  /** The open МСУ order of the person acted for, if any (one open order per help type). */
  async openOrder(actor: Actor): Promise<OrderRow | undefined> {
    return this.core.orders.openOrder(this.core.db, actor.principalId, MSU_HELP_TYPE);
  }

  /** The МСУ orders of the person acted for. */
  async myOrders(actor: Actor) {
    const { rows } = await this.core.orders.listForRecipient(this.core.db, actor.principalId, {
      kinds: ['msu'],
      limit: 100,
    });
    return rows.map(orderListItem);
  }

  private async ownOrder(actor: Actor, orderId: number) {
    const { db, orders } = this.core;
    const order = await orders.findById(db, orderId);
    if (!order || order.kind !== 'msu' || order.recipient_id !== actor.principalId) throw new NotFoundError();
    const detail = await this.repo.detail(db, order.id);
    if (!detail) throw new NotFoundError();
    return { order, detail };
  }

  /** The order card: status, history, queue position with its log of changes, a pending offer. */
  async orderCard(actor: Actor, orderId: number) {
    const { db, orders } = this.core;
    const { order, detail } = await this.ownOrder(actor, orderId);
    const [dept, inst, events, changes] = await Promise.all([
      this.repo.department(db, detail.department_id),
      this.repo.institution(db, detail.institution_id),
      orders.events(db, order.id),
      this.repo.positionChanges(db, order.id),
    ]);
    const inQueue =
      detail.queue_seq !== null && (detail.queue_state === 'waiting' || detail.queue_state === 'offered');
    const position = inQueue ? await this.repo.position(db, detail.department_id, detail.queue_seq!) : null;
    const offer = order.status === 'place_offered' ? await this.repo.pendingReleaseOf(db, order.id) : null;
    const roles = actor.roles.filter((r) => RECIPIENT_ROLES.includes(r));
    return {
      order: orderSummary(order),
      place: placeView(inst!, dept!),
      position,
      queuedAt: detail.queued_at,
      arrivalDeadline: order.status === 'awaiting_arrival' ? detail.arrival_deadline : null,
      arrivedAt: detail.arrived_at,
      reason: detail.reason,
      offer: offerView(offer),
      actions: msuMachine.actionsFor(order.status as MsuStatus, roles, {
        now: this.core.clock.now(),
        arrivalDeadline: detail.arrival_deadline,
      }),
      events: historyView(events),
      changes: changes.map(positionChangeView),
    };
  }

  // ------------------------------------------------------------------ steps on an existing order

  private async startStep(
    actor: Actor,
    orderId: number,
    action: RecipientStep,
    fields: Record<string, FieldValue>,
  ) {
    const { order, detail } = await this.ownOrder(actor, orderId);
    requireStep(order.status, action, actor.roles, {
      now: this.core.clock.now(),
      arrivalDeadline: detail.arrival_deadline,
    });
    const inst = await this.repo.institution(this.core.db, detail.institution_id);
    const dept = await this.repo.department(this.core.db, detail.department_id);
    const signRequest = await this.steps.issue(actor, action, order, {
      orderNumber: order.number,
      institution: inst?.name ?? '',
      department: dept?.name.ru ?? '',
      ...fields,
    });
    return { order: orderSummary(order), place: placeView(inst!, dept!), signRequest };
  }

  /** What each signed step does besides its event, inside the step's transaction. */
  private readonly effects: Record<RecipientStep, StepEffect> = {
    cancel_queue: async (tx, doc, { dept, order, detail, now, advance }) => {
      const reason = String(doc.request.payload.reason ?? '');
      const offered =
        order.status === 'place_offered' ? await this.repo.pendingReleaseFor(tx, order.id) : undefined;
      await advance(reason);
      if (offered) await this.engine.passOn(tx, dept, detail, offered, 'cancelled', now);
      else await this.engine.leaveQueue(tx, detail, 'cancelled', now, { reason });
      if (offered) await this.repo.updateDetail(tx, order.id, { reason });
    },
    // the engine writes the event itself, with the referral
    accept_offer: async (tx, doc, { dept, order, detail, now }, actor) => {
      await this.engine.acceptOffer(tx, dept, order, detail, actor.personId, doc.id, now);
    },
    decline_offer: async (tx, _doc, { dept, order, detail, now, advance }) => {
      const release = await this.repo.pendingReleaseFor(tx, order.id);
      if (!release)
        throw new AppError('order_action_not_allowed', 409, {
          action: 'decline_offer',
          status: order.status,
        });
      await advance();
      await this.engine.passOn(tx, dept, detail, release, 'declined', now);
    },
    cancel_enrolment: async (tx, doc, { dept, order, now, advance }) => {
      const reason = String(doc.request.payload.reason ?? '');
      await advance(reason);
      await this.repo.updateDetail(tx, order.id, { reason });
      await this.engine.releaseBed(tx, dept, 'enrolment_cancelled', now);
    },
  };

  /** A signed step on the recipient's own order (see MsuOrderSteps.apply) with its effect. */
  private async applyStep(actor: Actor, orderId: number, action: RecipientStep, input: SignedInput) {
    const effect = this.effects[action];
    await this.steps.apply(
      actor,
      action,
      orderId,
      input,
      () => this.ownOrder(actor, orderId),
      (tx, doc, locked) => effect(tx, doc, locked, actor),
    );
  }

  /** «Отменить ожидание очереди» → the refusal form's reason → «Подписать». */
  startCancelQueue(actor: Actor, orderId: number, reason: string) {
    return this.startStep(actor, orderId, 'cancel_queue', { reason });
  }

  cancelQueue(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    return this.applyStep(actor, orderId, 'cancel_queue', input);
  }

  /** The offered place: the document «Подтвердить» signs. */
  async startAcceptOffer(actor: Actor, orderId: number) {
    const step = await this.startStep(actor, orderId, 'accept_offer', {
      statement: 'Согласен(на) на предложенное место в МСУ',
    });
    const offer = await this.repo.pendingReleaseOf(this.core.db, orderId);
    return { ...step, offer: offerView(offer), arrivalDeadline: arrivalDeadline(this.core.clock.now()) };
  }

  acceptOffer(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    return this.applyStep(actor, orderId, 'accept_offer', input);
  }

  async startDeclineOffer(actor: Actor, orderId: number) {
    return this.startStep(actor, orderId, 'decline_offer', { reason: 'Отказ от предложенного места в МСУ' });
  }

  declineOffer(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    return this.applyStep(actor, orderId, 'decline_offer', input);
  }

  /** Cancelling an enrolment before arrival (the held bed is released). */
  startCancelEnrolment(actor: Actor, orderId: number, reason: string) {
    return this.startStep(actor, orderId, 'cancel_enrolment', { reason });
  }

  cancelEnrolment(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    return this.applyStep(actor, orderId, 'cancel_enrolment', input);
  }
}
