import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { IssuedSignRequest } from '../signing/signing-service.js';
import { audit } from '../audit/audit.js';
import { asSelf } from './context.js';
import { isDuplicateAct, type ActForm, type ActsCommon } from './acts-common.js';
import type { ActRow } from './repository.js';
import { actMachine, creationRow } from './rules.js';
import type { SignedInput } from './schemas.js';

const SIGN = creationRow(actMachine, 'sign_electronic');

/**
 * The electronic path (seed 002): the specialist signs the month's act first; the recipient then
 * signs it in their cabinet, which sends it to Е-Собес.
 */
export class ElectronicActsService {
  constructor(private readonly a: ActsCommon) {}

  private get c() {
    return this.a.c;
  }

  /** The specialist's document of the month's act (the month and the flag checked as for a scan). */
  async issue(actor: Actor, orderId: number, form: ActForm) {
    const order = await this.a.executedOrder(this.c.db, actor, orderId);
    const fields: Record<string, string> = {};
    const periodProblem = await this.a.periodProblem(order, form.period);
    if (periodProblem) fields.period = periodProblem;
    const ends = form.endsJointWork === 'yes';
    const endsProblem = this.a.endsProblem(order, ends);
    if (endsProblem) fields.endsJointWork = endsProblem;
    const entries = fields.period ? [] : await this.a.monthEntries(this.c.db, orderId, form.period);
    const hours = entries.reduce((s, e) => s + e.hours, 0);
    if (!fields.period && hours === 0 && !ends) fields.period = 'services:errors.noHoursInPeriod';
    if (Object.keys(fields).length) throw new ValidationError(fields);
    const signRequest = await this.c.steps.issue(
      asSelf(actor),
      SIGN.document!,
      { type: 'service-order', id: order.id, version: 0 },
      this.a.actPayload(order, form.period, entries, ends),
    );
    return { signRequest, order, period: form.period, hours, entries, endsJointWork: ends };
  }

  /** The signed act awaits the recipient's signature (the month is locked); the recipient is told. */
  async create(actor: Actor, orderId: number, signed: SignedInput): Promise<ActRow> {
    await this.a.executedOrder(this.c.db, actor, orderId);
    return this.c.steps.apply(
      asSelf(actor),
      SIGN.document!,
      { type: 'service-order', id: orderId },
      signed,
      async (tx, doc) => {
        const p = doc.request.payload as { period?: string; hours?: number; endsJointWork?: boolean };
        const period = String(p.period ?? '');
        const order = await this.c.core.orders.lock(tx, orderId);
        if (await this.c.acts.lockingAct(tx, orderId, period))
          throw new AppError('services:errors.actAlreadySent', 409);
        const hours = await this.a.monthHours(tx, orderId, period);
        if (hours !== Number(p.hours)) throw new AppError('services:errors.actChanged', 409);
        let act: ActRow;
        try {
          act = await this.c.acts.create(tx, SIGN.action, {
            order_id: orderId,
            specialist_person_id: actor.personId,
            recipient_id: order.recipient_id,
            period,
            method: 'electronic',
            ends_joint_work: Boolean(p.endsJointWork),
            hours,
            specialist_signed_document_id: doc.id,
            created_at: this.c.now(),
          });
        } catch (err) {
          if (isDuplicateAct(err)) throw new AppError('services:errors.actAlreadySent', 409);
          throw err;
        }
        await this.c.core.notifier.notify(
          tx,
          order.recipient_id,
          'services:sms.actToSign',
          { number: order.number, period },
          `service-act:${act.id}:to-sign`,
        );
        await audit(tx, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          action: 'service-act.signed-by-specialist',
          objectType: 'service-act',
          objectId: act.id,
          signedDocumentId: doc.id,
        });
        return act;
      },
    );
  }

  /** The recipient's side: the act awaiting their signature («Подписать акт»). */
  async recipientPage(actor: Actor, orderId: number, actId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const act = await this.c.acts.find(this.c.db, actId);
    if (!act || act.order_id !== orderId || act.method !== 'electronic') throw new NotFoundError();
    const entries = await this.a.monthEntries(this.c.db, orderId, act.period);
    let signRequest: IssuedSignRequest | null = null;
    const t = actMachine.find(act.status, 'recipient_sign');
    if (t)
      signRequest = await this.c.steps.issue(
        actor,
        t.document!,
        { type: 'service-act', id: act.id, version: 0 },
        this.a.actPayload(order, act.period, entries, act.ends_joint_work),
      );
    return { order, act, entries, total: entries.reduce((s, e) => s + e.hours, 0), signRequest };
  }

  /** The recipient's signature sends the act. */
  async recipientSign(actor: Actor, orderId: number, actId: number, signed: SignedInput): Promise<ActRow> {
    await this.c.recipientOrder(this.c.db, actor, orderId);
    return this.c.steps.apply(
      actor,
      actMachine.document('recipient_sign'),
      { type: 'service-act', id: actId },
      signed,
      async (tx, doc) => {
        await this.c.core.orders.lock(tx, orderId);
        const act = await this.c.acts.lock(tx, actId);
        if (!act || act.order_id !== orderId || act.recipient_id !== actor.principalId)
          throw new NotFoundError();
        this.a.step(act, 'recipient_sign', actor.roles, 'services:errors.actNotAwaiting');
        return this.a.sendSigned(tx, act, 'recipient_sign', 'recipient_signed_document_id', doc);
      },
    );
  }

  /**
   * «Отказаться подписать» (issue 19 item 7): the act awaiting the recipient's signature, for the
   * reason page; an act in any other state answers 409.
   */
  async disputeTarget(actor: Actor, orderId: number, actId: number) {
    const order = await this.c.recipientOrder(this.c.db, actor, orderId);
    const act = await this.c.acts.find(this.c.db, actId);
    if (!act || act.order_id !== orderId || act.method !== 'electronic') throw new NotFoundError();
    this.a.step(act, 'dispute', actor.roles, 'services:errors.actNotAwaiting');
    return { order, act };
  }

  /** The recipient's document refusing the act, with the reason (signed as their other refusals). */
  async issueDispute(actor: Actor, orderId: number, actId: number, reason: string) {
    const { order, act } = await this.disputeTarget(actor, orderId, actId);
    const entries = await this.a.monthEntries(this.c.db, orderId, act.period);
    const signRequest = await this.c.steps.issue(
      actor,
      actMachine.document('dispute'),
      { type: 'service-act', id: act.id, version: 0 },
      { ...this.a.actPayload(order, act.period, entries, act.ends_joint_work), reason },
    );
    return { signRequest, order, act };
  }

  /**
   * The signed refusal: the act is returned to the specialist with the reason (it no longer locks its
   * month), the specialist is told; the reason is the one signed (the request's payload).
   */
  async dispute(actor: Actor, orderId: number, actId: number, signed: SignedInput): Promise<ActRow> {
    await this.c.recipientOrder(this.c.db, actor, orderId);
    return this.c.steps.apply(
      actor,
      actMachine.document('dispute'),
      { type: 'service-act', id: actId },
      signed,
      async (tx, doc) => {
        const order = await this.c.core.orders.lock(tx, orderId);
        const act = await this.c.acts.lock(tx, actId);
        if (!act || act.order_id !== orderId || act.recipient_id !== actor.principalId)
          throw new NotFoundError();
        this.a.step(act, 'dispute', actor.roles, 'services:errors.actNotAwaiting');
        const reason = String((doc.request.payload as { reason?: unknown }).reason ?? '');
        const now = this.c.now();
        await this.c.acts.transition(tx, act, 'dispute', {
          dispute_reason: reason,
          disputed_at: now,
          recipient_dispute_document_id: doc.id,
        });
        await this.c.core.notifier.notify(
          tx,
          act.specialist_person_id,
          'outreach:dispute.sms',
          { number: order.number, period: act.period },
          `service-act:${act.id}:disputed`,
        );
        await audit(tx, {
          actorId: actor.personId,
          principalId: act.recipient_id,
          action: 'service-act.disputed',
          objectType: 'service-act',
          objectId: act.id,
          signedDocumentId: doc.id,
          details: { reason, period: act.period },
        });
        return { ...act, status: 'disputed' as const, dispute_reason: reason, disputed_at: now };
      },
    );
  }
}
