import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { audit } from '../audit/audit.js';
import { consumeVolume } from '../entitlements/measures.js';
import { fullName } from '../people/names.js';
import type { DepartmentRow, InstitutionRow, MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import type { MsuSigning, SignedInput } from './steps.js';
import {
  checkBedTotal,
  cleanReason,
  daysBetween,
  msuMachine,
  noShowAllowed,
  type MsuAction,
  type MsuStatus,
} from './rules.js';

export const PAGE_SIZE = 50;

/**
 * The institution cabinet (an employee of an organisation with the direction «special social
 * services»): incoming orders, arrival, no-show, discharge and bed counts — each a signed step.
 */
export class MsuInstitutionService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
    private readonly signing: MsuSigning,
  ) {}

  /** The employee's institution; an organisation without one (or without the direction) has no cabinet. */
  async institutionOf(actor: Actor): Promise<InstitutionRow> {
    const { db, people } = this.core;
    if (!actor.organisationId) throw new AppError('forbidden', 403);
    const org = await people.organisationById(db, actor.organisationId);
    if (!org || !org.directions.includes('special_social_services'))
      throw new AppError('msu:errors.notMsuOrganisation', 403);
    const inst = await this.repo.institutionByOrganisation(db, org.id);
    if (!inst) throw new AppError('msu:errors.noInstitution', 404);
    return inst;
  }

  async cabinet(
    actor: Actor,
    filter: { status?: string | undefined; departmentId?: number | undefined; page: number },
  ) {
    const { db } = this.core;
    const inst = await this.institutionOf(actor);
    const departments = await this.repo.departments(db, [inst.id], { includeInactive: true });
    const lengths = await this.repo.queueLengths(
      db,
      departments.map((d) => d.id),
    );
    const orders = await this.repo.institutionOrders(db, inst.id, {
      status: filter.status,
      departmentId: filter.departmentId,
      limit: PAGE_SIZE,
      offset: (filter.page - 1) * PAGE_SIZE,
    });
    const now = this.core.clock.now();
    return {
      inst,
      departments: departments.map((d) => ({ ...d, queueLength: lengths.get(d.id) ?? 0 })),
      orders: {
        total: orders.total,
        rows: orders.rows.map((r) => ({
          ...r,
          recipientName: fullName(r),
          noShowAllowed: r.status === 'awaiting_arrival' && noShowAllowed(r.arrival_deadline, now),
        })),
      },
      pages: Math.max(1, Math.ceil(orders.total / PAGE_SIZE)),
    };
  }

  private async ownOrder(actor: Actor, orderId: number, db: Knex | Knex.Transaction = this.core.db) {
    const inst = await this.institutionOf(actor);
    const order = await this.core.orders.findById(db, orderId);
    if (!order || order.kind !== 'msu') throw new NotFoundError();
    const detail = await this.repo.detail(db, order.id);
    if (!detail || detail.institution_id !== inst.id) throw new NotFoundError();
    return { inst, order, detail };
  }

  async orderCard(actor: Actor, orderId: number) {
    const { db, orders, people } = this.core;
    const { inst, order, detail } = await this.ownOrder(actor, orderId);
    const [dept, events, person] = await Promise.all([
      this.repo.department(db, detail.department_id),
      orders.events(db, order.id),
      people.findById(db, order.recipient_id),
    ]);
    const now = this.core.clock.now();
    const actions = msuMachine
      .actionsFor(order.status as MsuStatus, actor.roles)
      .filter((a) => a !== 'no_show' || noShowAllowed(detail.arrival_deadline, now));
    const position =
      detail.queue_seq !== null && (detail.queue_state === 'waiting' || detail.queue_state === 'offered')
        ? await this.repo.position(db, detail.department_id, detail.queue_seq)
        : null;
    return { inst, order, detail, dept: dept!, events, person: person!, actions, position };
  }

  // ------------------------------------------------------------------ arrival, no-show, discharge

  private async startStep(
    actor: Actor,
    orderId: number,
    action: 'arrive' | 'no_show' | 'discharge',
    reason: string | null,
  ) {
    const card = await this.orderCard(actor, orderId);
    const t = msuMachine.require(card.order.status as MsuStatus, action, actor.roles);
    if (action === 'no_show' && !noShowAllowed(card.detail.arrival_deadline, this.core.clock.now()))
      throw new AppError('msu:errors.arrivalDeadlineNotPassed', 409, {
        deadline: (card.detail.arrival_deadline ?? '').split('-').reverse().join('.'),
      });
    const purpose =
      action === 'arrive' ? 'msu.arrive' : action === 'no_show' ? 'msu.no_show' : 'msu.discharge';
    const signRequest = await this.signing.issue(
      actor,
      'employee',
      'status-change',
      purpose,
      { type: 'msu-order', id: card.order.id, version: card.order.version },
      {
        from: card.order.status,
        to: t.to,
        orderNumber: card.order.number,
        institution: card.inst.name,
        department: card.dept.name.ru ?? '',
        recipient: fullName(card.person),
        ...(reason ? { reason } : {}),
      },
    );
    return { ...card, signRequest, to: t.to, reason };
  }

  startArrival(actor: Actor, orderId: number) {
    return this.startStep(actor, orderId, 'arrive', null);
  }

  startNoShow(actor: Actor, orderId: number) {
    return this.startStep(actor, orderId, 'no_show', null);
  }

  startDischarge(actor: Actor, orderId: number, reason: string) {
    return this.startStep(actor, orderId, 'discharge', cleanReason(reason));
  }

  private applyStep(
    actor: Actor,
    orderId: number,
    action: 'arrive' | 'no_show' | 'discharge',
    input: SignedInput,
  ): Promise<void> {
    const purpose =
      action === 'arrive' ? 'msu.arrive' : action === 'no_show' ? 'msu.no_show' : 'msu.discharge';
    return this.signing.apply(
      actor,
      'employee',
      purpose,
      { type: 'msu-order', id: orderId },
      input,
      async (tx, doc) => {
        const now = this.core.clock.now();
        const pre = await this.ownOrder(actor, orderId, tx);
        // department first, then the order (the engine's lock order)
        const dept = await this.engine.lockDepartment(tx, pre.detail.department_id);
        const order = await this.core.orders.lock(tx, orderId);
        if (doc.request.object_version !== null && order.version !== doc.request.object_version)
          throw new AppError('order_changed_meanwhile', 409);
        msuMachine.require(order.status as MsuStatus, action as MsuAction, actor.roles);
        const detail = (await this.repo.detail(tx, order.id))!;
        const reason = typeof doc.request.payload.reason === 'string' ? doc.request.payload.reason : null;
        await this.engine.transition(tx, order, action, {
          actorId: actor.personId,
          reason,
          signedDocumentId: doc.id,
          at: now,
        });
        if (action === 'arrive') {
          await this.repo.updateDetail(tx, order.id, { arrived_at: now });
          await this.core.outbox.enqueue(tx, {
            system: 'esobes',
            topic: 'msu.arrived',
            idempotencyKey: `msu:${order.id}:arrived`,
            payload: {
              orderNumber: order.number,
              measureId: order.measure_id,
              institutionBin: doc.cert.bin ?? null,
              arrivedAt: now.toISOString(),
            },
          });
        } else if (action === 'no_show') {
          if (!noShowAllowed(detail.arrival_deadline, now))
            throw new AppError('msu:errors.arrivalDeadlineNotPassed', 409, {
              deadline: (detail.arrival_deadline ?? '').split('-').reverse().join('.'),
            });
          await this.core.notifier.notify(
            tx,
            order.recipient_id,
            'msu:sms.noShow',
            { number: order.number, institution: pre.inst.name },
            `msu:${order.id}:no_show`,
          );
          await this.engine.releaseBed(tx, dept, 'no_show', now);
        } else {
          await this.repo.updateDetail(tx, order.id, { discharged_at: now, reason });
          await this.engine.releaseBed(tx, dept, 'discharge', now);
          const days = detail.arrived_at ? Math.max(1, Math.ceil(daysBetween(detail.arrived_at, now))) : 0;
          if (order.measure_id && days > 0) await this.consumeDays(tx, order.measure_id, days);
          await this.core.outbox.enqueue(tx, {
            system: 'esobes',
            topic: 'msu.discharged',
            idempotencyKey: `msu:${order.id}:discharged`,
            payload: {
              orderNumber: order.number,
              measureId: order.measure_id,
              days,
              dischargedAt: now.toISOString(),
              reason,
            },
          });
        }
        await audit(tx, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          organisationId: actor.organisationId ?? null,
          action: `msu.${action}`,
          objectType: 'order',
          objectId: order.id,
          signedDocumentId: doc.id,
          details: reason ? { reason } : {},
        });
      },
    );
  }

  /** The days of the stay are used from the measure's volume (never beyond what remains). */
  private async consumeDays(tx: Knex.Transaction, measureId: number, days: number): Promise<void> {
    const m = (await tx('ipr_measures').where({ id: measureId }).first('volume', 'used_volume')) as
      { volume: number; used_volume: number } | undefined;
    const amount = m ? Math.min(days, m.volume - m.used_volume) : 0;
    if (amount > 0) await consumeVolume(tx, measureId, amount);
  }

  markArrived(actor: Actor, orderId: number, input: SignedInput) {
    return this.applyStep(actor, orderId, 'arrive', input);
  }

  markNoShow(actor: Actor, orderId: number, input: SignedInput) {
    return this.applyStep(actor, orderId, 'no_show', input);
  }

  discharge(actor: Actor, orderId: number, input: SignedInput) {
    return this.applyStep(actor, orderId, 'discharge', input);
  }

  // ------------------------------------------------------------------ bed counts

  private async ownDepartment(
    actor: Actor,
    departmentId: number,
  ): Promise<{ inst: InstitutionRow; dept: DepartmentRow }> {
    const inst = await this.institutionOf(actor);
    const dept = await this.repo.department(this.core.db, departmentId);
    if (!dept || dept.institution_id !== inst.id) throw new NotFoundError();
    return { inst, dept };
  }

  async bedsPage(actor: Actor, departmentId: number) {
    const { inst, dept } = await this.ownDepartment(actor, departmentId);
    const history = await this.repo.bedChanges(this.core.db, [dept.id]);
    return { inst, dept, history, occupied: dept.beds_total - dept.free };
  }

  async startBedChange(actor: Actor, departmentId: number, total: number, reason: string) {
    const { inst, dept } = await this.ownDepartment(actor, departmentId);
    checkBedTotal(dept, total);
    const signRequest = await this.signing.issue(
      actor,
      'employee',
      'bed-count-change',
      'msu.beds',
      { type: 'msu-department', id: dept.id, version: 0 },
      {
        total,
        previousTotal: dept.beds_total,
        institution: inst.name,
        department: dept.name.ru ?? '',
        reason: cleanReason(reason),
      },
    );
    return { inst, dept, signRequest, total, reason: cleanReason(reason) };
  }

  async changeBeds(actor: Actor, departmentId: number, input: SignedInput): Promise<{ offered: number }> {
    await this.ownDepartment(actor, departmentId);
    return this.signing.apply(
      actor,
      'employee',
      'msu.beds',
      { type: 'msu-department', id: departmentId },
      input,
      async (tx, doc) => {
        const total = Number(doc.request.payload.total);
        const reason = String(doc.request.payload.reason ?? '');
        return this.engine.setBedTotal(tx, departmentId, total, reason, {
          source: 'institution',
          actorId: actor.personId,
          organisationId: actor.organisationId ?? null,
          signedDocumentId: doc.id,
        });
      },
    );
  }
}
