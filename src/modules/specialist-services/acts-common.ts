import type { Knex } from 'knex';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { audit } from '../audit/audit.js';
import type { SignedDoc } from '../signing/signed-steps.js';
import type { AreaContext } from './context.js';
import type { ActRow, EntryRow, ServiceOrderView } from './repository.js';
import { actMachine, actPeriods, isPeriod, journalOpen, periodBounds, type ActAction } from './rules.js';

const UNIQUE_VIOLATION = '23505';

/** The form of both paths: the month and the «совместная работа завершена» flag. */
export interface ActForm {
  period: string;
  endsJointWork?: 'yes' | undefined;
}

/** Whether an error is the database's «one act per order and month». */
export function isDuplicateAct(err: unknown): boolean {
  return (err as { code?: string }).code === UNIQUE_VIOLATION;
}

/**
 * What the scanned path, the electronic path and the documents share: the specialist's executed
 * order, the act's month, the act machine's steps and the sending of an act (the month locked,
 * Е-Собес told, the end flag).
 */
export class ActsCommon {
  constructor(readonly c: AreaContext) {}

  today(): string {
    return astanaDate(this.c.now());
  }

  /** An order of this specialist that was confirmed (so it has acts), or 404. */
  async executedOrder(db: Knex | Knex.Transaction, actor: Actor, orderId: number): Promise<ServiceOrderView> {
    this.c.requireSpecialist(actor);
    const order = await this.c.specialistOrder(db, actor, orderId);
    if (!order.detail.confirmed_on) throw new NotFoundError();
    return order;
  }

  /** A month of the order's acts (from the confirmation to now), or 404. */
  checkPeriod(order: ServiceOrderView, period: string): void {
    if (!isPeriod(period) || !actPeriods(order.detail.confirmed_on, this.today()).includes(period))
      throw new NotFoundError();
  }

  async ownAct(db: Knex | Knex.Transaction, actor: Actor, actId: number): Promise<ActRow> {
    this.c.requireSpecialist(actor);
    const act = await this.c.acts.find(db, actId);
    if (!act || act.specialist_person_id !== actor.personId) throw new NotFoundError();
    return act;
  }

  monthEntries(db: Knex | Knex.Transaction, orderId: number, period: string): Promise<EntryRow[]> {
    const { first, last } = periodBounds(period);
    return this.c.journal.entriesOfMonth(db, orderId, first, last);
  }

  monthHours(db: Knex | Knex.Transaction, orderId: number, period: string): Promise<number> {
    const { first, last } = periodBounds(period);
    return this.c.journal.hoursOfMonth(db, orderId, first, last);
  }

  /** The act machine's row for this act and action, or the area's error why not (409). */
  step(act: ActRow, action: ActAction, roles: Actor['roles'], notAllowed: string) {
    if (!actMachine.find(act.status, action)) throw new AppError(notAllowed, 409);
    return actMachine.require(act.status, action, roles);
  }

  /** «Совместная работа завершена» may be flagged only while the order is executed and it has not ended. */
  endsProblem(order: ServiceOrderView, ends: boolean): string | null {
    return ends && !journalOpen(order.status, order.detail.joint_work_ended)
      ? 'services:errors.endsNotPossible'
      : null;
  }

  /** The month of either path's form: one of the order's months, without an act yet. */
  async periodProblem(order: ServiceOrderView, period: string): Promise<string | null> {
    if (!actPeriods(order.detail.confirmed_on, this.today()).includes(period))
      return 'services:errors.periodInvalid';
    if (await this.c.acts.lockingAct(this.c.db, order.id, period)) return 'services:errors.actAlreadySent';
    return null;
  }

  /** What the electronic act's documents say (the specialist's and the recipient's signature). */
  actPayload(order: ServiceOrderView, period: string, entries: EntryRow[], ends: boolean) {
    return {
      period,
      orderNumber: order.number,
      helpType: order.help_type,
      recipientName: order.recipient_name,
      specialistName: order.specialist_name,
      hours: entries.reduce((s, e) => s + e.hours, 0),
      endsJointWork: ends,
      entries: entries.map((e) => ({
        date: e.day,
        hours: e.hours,
        format: e.format ?? '',
        objectsKk: e.objects_kk ?? '',
        objectsRu: e.objects_ru ?? '',
      })),
    };
  }

  /** A signed step that sends the act: its signature kept in `field`, the hours as signed. */
  sendSigned(
    tx: Knex.Transaction,
    act: ActRow,
    action: ActAction,
    field: 'specialist_signed_document_id' | 'recipient_signed_document_id',
    doc: SignedDoc,
  ): Promise<ActRow> {
    const signedHours = Number((doc.request.payload as { hours?: unknown }).hours);
    return this.send(tx, act, action, { [field]: doc.id }, signedHours);
  }

  /**
   * The `send` effect of the act machine: the month's hours must still be those signed; the act is
   * sent, its month locked, Е-Собес told; the end flag ends the joint work.
   */
  async send(
    tx: Knex.Transaction,
    act: ActRow,
    action: ActAction,
    patch: Partial<ActRow>,
    signedHours: number,
  ): Promise<ActRow> {
    const now = this.c.now();
    const order = (await this.c.serviceOrders.view(tx, act.order_id))!;
    const hours = await this.monthHours(tx, act.order_id, act.period);
    if (hours !== signedHours) throw new AppError('services:errors.actChanged', 409);
    try {
      await this.c.acts.transition(tx, act, action, { ...patch, hours, sent_at: now });
    } catch (err) {
      if (isDuplicateAct(err)) throw new AppError('services:errors.actAlreadySent', 409);
      throw err;
    }
    if (act.ends_joint_work)
      await this.c.serviceOrders.updateDetail(tx, act.order_id, { joint_work_ended: true });
    await this.c.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: 'service-act',
      idempotencyKey: `service-act:${act.id}:sent`,
      payload: {
        actId: act.id,
        orderNumber: order.number,
        helpType: order.help_type,
        period: act.period,
        hours,
        method: act.method,
        recipientIin: order.recipient_iin,
        specialistIin: order.specialist_iin,
        endsJointWork: act.ends_joint_work,
        file: act.file_sha256
          ? { name: act.file_name, mime: act.file_mime, size: act.file_size, sha256: act.file_sha256 }
          : null,
        specialistSignedDocumentId: patch.specialist_signed_document_id ?? act.specialist_signed_document_id,
        recipientSignedDocumentId: patch.recipient_signed_document_id ?? act.recipient_signed_document_id,
        sentAt: now.toISOString(),
      },
    });
    await audit(tx, {
      actorId: act.specialist_person_id,
      principalId: act.recipient_id,
      action: 'service-act.sent',
      objectType: 'service-act',
      objectId: act.id,
      details: { period: act.period, hours, method: act.method, endsJointWork: act.ends_joint_work },
    });
    return (await this.c.acts.find(tx, act.id))!;
  }
}
