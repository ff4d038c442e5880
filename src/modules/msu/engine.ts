import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { astanaDateTime } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import type { OrderRow, OrderChange } from '../orders/orders-repository.js';
import { maskedName } from '../people/names.js';
import { audit } from '../audit/audit.js';
import type {
  DepartmentRow,
  MsuOrderRow,
  MsuRepository,
  PositionChangeRow,
  ReleaseRow,
} from './repository.js';
import { arrivalDeadline, checkBedTotal, msuMachine, priorityEndsAt, type MsuAction } from './rules.js';

export type ReleaseCause =
  | 'discharge'
  | 'no_show'
  | 'enrolment_cancelled'
  | 'beds_added'
  | 'offer_declined'
  | 'offer_lapsed'
  | 'offer_cancelled';

const LEAVE_REASON: Record<'enrolled' | 'cancelled' | 'declined' | 'lapsed', PositionChangeRow['reason']> = {
  enrolled: 'ahead_enrolled',
  cancelled: 'ahead_left',
  declined: 'ahead_declined',
  lapsed: 'ahead_lapsed',
};

export function formatAstana(d: Date): string {
  return astanaDateTime(d).toFormat('dd.MM.yyyy HH:mm');
}

/**
 * The bed and queue engine. Every change that moves a queue or a bed runs inside the caller's
 * transaction with the department row locked first (then order rows), so that on any number of app
 * instances a released bed goes to exactly one person and positions never repeat.
 */
export class MsuEngine {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
  ) {}

  async lockDepartment(tx: Knex.Transaction, id: number): Promise<DepartmentRow> {
    const d = await this.repo.lockDepartment(tx, id);
    if (!d) throw new NotFoundError();
    return d;
  }

  /** Applies a transition of the МСУ machine to a locked order (the machine decides if it is possible). */
  async transition(
    tx: Knex.Transaction,
    order: OrderRow,
    action: MsuAction,
    change: Omit<OrderChange, 'mergeDetails' | 'at'> & { at: Date },
  ): Promise<OrderRow> {
    return this.core.orders.transition(tx, order, msuMachine, action, {
      actorId: change.actorId,
      principalId: change.principalId ?? order.recipient_id,
      reason: change.reason ?? null,
      signedDocumentId: change.signedDocumentId ?? null,
      ...(change.details ? { details: change.details } : {}),
      at: change.at,
      ...(change.expectedVersion !== undefined ? { expectedVersion: change.expectedVersion } : {}),
    });
  }

  /**
   * An entry leaves its department's queue: everyone behind it moves up one place (each with the
   * reason they will read), then the entry is marked as left.
   */
  async leaveQueue(
    tx: Knex.Transaction,
    detail: MsuOrderRow,
    why: 'enrolled' | 'cancelled' | 'declined' | 'lapsed',
    at: Date,
    extra: Partial<MsuOrderRow> = {},
  ): Promise<void> {
    if (detail.queue_seq === null || (detail.queue_state !== 'waiting' && detail.queue_state !== 'offered'))
      return;
    await this.repo.logMoveUp(
      tx,
      detail.department_id,
      detail.queue_seq,
      LEAVE_REASON[why],
      detail.order_id,
      at,
    );
    await this.repo.updateDetail(tx, detail.order_id, {
      queue_state: 'left',
      left_queue_at: at,
      left_reason: why,
      ...extra,
    });
  }

  /**
   * A bed becomes free in a locked department. With a queue, it is offered to the first person still
   * waiting for the priority window (SMS and the order card); without one, the free count grows.
   */
  async releaseBed(
    tx: Knex.Transaction,
    dept: DepartmentRow,
    cause: ReleaseCause,
    at: Date,
    previousReleaseId: number | null = null,
  ): Promise<{ offeredOrderId: number | null; releaseId: number }> {
    const first = await this.repo.firstWaiting(tx, dept.id);
    const release = {
      institution_id: dept.institution_id,
      department_id: dept.id,
      released_at: at,
      cause,
      previous_release_id: previousReleaseId,
    };
    if (!first) {
      await this.repo.addFree(tx, dept.id, 1, at);
      const releaseId = await this.repo.insertRelease(tx, {
        ...release,
        offered_order_id: null,
        queue_number: null,
        priority_ends_at: null,
        outcome: 'free',
        outcome_at: at,
      });
      return { offeredOrderId: null, releaseId };
    }
    const ends = priorityEndsAt(at, this.core.config.MSU_PRIORITY_DAYS);
    const releaseId = await this.repo.insertRelease(tx, {
      ...release,
      offered_order_id: first.order_id,
      queue_number: first.queue_seq,
      priority_ends_at: ends,
      outcome: 'pending',
    });
    const order = await this.core.orders.lock(tx, first.order_id);
    await this.transition(tx, order, 'offer', {
      actorId: null,
      at,
      details: { releaseId, priorityEndsAt: ends.toISOString() },
    });
    await this.repo.updateDetail(tx, first.order_id, { queue_state: 'offered' });
    const inst = await this.repo.institution(tx, dept.institution_id);
    await this.core.notifier.notify(
      tx,
      order.recipient_id,
      'msu:sms.placeOffered',
      { number: order.number, institution: inst?.name ?? '', until: formatAstana(ends) },
      `msu:release:${releaseId}:offer`,
    );
    return { offeredOrderId: first.order_id, releaseId };
  }

  /** The recipient takes the offered place: the bed is held for arrival and a referral is issued. */
  async acceptOffer(
    tx: Knex.Transaction,
    dept: DepartmentRow,
    order: OrderRow,
    detail: MsuOrderRow,
    actorId: number,
    signedDocumentId: number,
    at: Date,
    expectedVersion?: number,
  ): Promise<void> {
    const release = await this.repo.pendingReleaseFor(tx, order.id);
    if (!release)
      throw new AppError('order_action_not_allowed', 409, { action: 'accept_offer', status: order.status });
    if (release.priority_ends_at && release.priority_ends_at.getTime() <= at.getTime())
      throw new AppError('msu:errors.offerLapsed', 409);
    const position =
      detail.queue_seq !== null ? await this.repo.position(tx, dept.id, detail.queue_seq) : null;
    const deadline = arrivalDeadline(at);
    await this.transition(tx, order, 'accept_offer', {
      actorId,
      signedDocumentId,
      at,
      details: { releaseId: release.id },
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
    await this.repo.closeRelease(tx, release.id, 'accepted', at);
    await this.leaveQueue(tx, detail, 'enrolled', at, { arrival_deadline: deadline, bed_held_at: at });
    const person = await this.core.people.findById(tx, order.recipient_id);
    await this.repo.insertReferral(tx, {
      order_id: order.id,
      institution_id: dept.institution_id,
      department_id: dept.id,
      issued_at: at,
      recipient_masked: person ? maskedName(person) : '—',
      via: 'queue_offer',
      queue_number: detail.queue_seq,
      queue_position: position,
      release_id: release.id,
    });
    const inst = await this.repo.institution(tx, dept.institution_id);
    await this.core.notifier.notify(
      tx,
      order.recipient_id,
      'msu:sms.enrolled',
      {
        number: order.number,
        institution: inst?.name ?? '',
        deadline: deadline.split('-').reverse().join('.'),
      },
      `msu:${order.id}:accepted`,
    );
  }

  /**
   * An offer ends without the place being taken (declined, lapsed, or the queue cancelled while the
   * place was offered): the entry leaves the queue and the same place goes to the next person.
   */
  async passOn(
    tx: Knex.Transaction,
    dept: DepartmentRow,
    detail: MsuOrderRow,
    release: ReleaseRow,
    outcome: 'declined' | 'lapsed' | 'cancelled',
    at: Date,
  ): Promise<void> {
    await this.repo.closeRelease(tx, release.id, outcome, at);
    await this.leaveQueue(tx, detail, outcome, at);
    const cause: ReleaseCause =
      outcome === 'declined' ? 'offer_declined' : outcome === 'lapsed' ? 'offer_lapsed' : 'offer_cancelled';
    await this.releaseBed(tx, dept, cause, at, release.id);
  }

  /** One lapsed offer, in its own transaction; safe to run on several instances at once. */
  async lapse(releaseId: number): Promise<boolean> {
    const { db, clock } = this.core;
    const r = await this.repo.release(db, releaseId);
    if (!r || r.outcome !== 'pending' || !r.offered_order_id) return false;
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      const dept = await this.lockDepartment(tx, r.department_id);
      const release = await this.repo.pendingReleaseFor(tx, r.offered_order_id!);
      if (
        !release ||
        release.id !== r.id ||
        !release.priority_ends_at ||
        release.priority_ends_at.getTime() > now.getTime()
      )
        return false;
      const order = await this.core.orders.lock(tx, r.offered_order_id!);
      const detail = await this.repo.detail(tx, order.id);
      if (!detail || order.status !== 'place_offered') return false;
      await this.transition(tx, order, 'lapse_offer', {
        actorId: null,
        at: now,
        details: { releaseId: release.id },
      });
      const inst = await this.repo.institution(tx, dept.institution_id);
      await this.core.notifier.notify(
        tx,
        order.recipient_id,
        'msu:sms.offerLapsed',
        { number: order.number, institution: inst?.name ?? '' },
        `msu:release:${release.id}:lapsed`,
      );
      await this.passOn(tx, dept, detail, release, 'lapsed', now);
      await audit(tx, {
        action: 'msu.offer_lapsed',
        objectType: 'order',
        objectId: order.id,
        details: { releaseId: release.id },
      });
      return true;
    });
  }

  /**
   * Sets a department's bed total (a confirmation when unchanged). Added beds are released one by one
   * (offered to the queue first); removed beds must be free ones. Logged with the reason and audited.
   */
  async setBedTotal(
    tx: Knex.Transaction,
    departmentId: number,
    total: number,
    reason: string,
    meta: {
      source: 'institution' | 'admin';
      actorId: number | null;
      organisationId: number | null;
      signedDocumentId: number | null;
    },
  ): Promise<{ offered: number }> {
    const now = this.core.clock.now();
    const dept = await this.lockDepartment(tx, departmentId);
    checkBedTotal(dept, total);
    const delta = total - dept.beds_total;
    let offered = 0;
    if (delta >= 0) {
      await this.repo.setBeds(tx, dept.id, total, dept.free, now);
      const grown = { ...dept, beds_total: total };
      for (let i = 0; i < delta; i++) {
        const r = await this.releaseBed(tx, grown, 'beds_added', now);
        if (r.offeredOrderId) offered++;
      }
    } else {
      await this.repo.setBeds(tx, dept.id, total, dept.free + delta, now);
    }
    const after = (await this.repo.department(tx, dept.id))!;
    await this.repo.insertBedChange(tx, {
      department_id: dept.id,
      at: now,
      actor_id: meta.actorId,
      organisation_id: meta.organisationId,
      source: meta.source,
      old_total: dept.beds_total,
      new_total: total,
      old_free: dept.free,
      new_free: after.free,
      offered,
      reason,
      signed_document_id: meta.signedDocumentId,
    });
    await audit(tx, {
      actorId: meta.actorId,
      organisationId: meta.organisationId,
      action: 'msu.beds_changed',
      objectType: 'msu_department',
      objectId: dept.id,
      signedDocumentId: meta.signedDocumentId,
      details: { from: dept.beds_total, to: total, freeFrom: dept.free, freeTo: after.free, offered, reason },
    });
    return { offered };
  }

  /** The scheduled job: every offer whose priority window has ended passes to the next in the queue. */
  async runDueOffers(limit = 200): Promise<number> {
    const due = await this.repo.dueOffers(this.core.db, this.core.clock.now(), limit);
    let n = 0;
    for (const r of due) if (await this.lapse(r.id)) n++;
    return n;
  }
}
