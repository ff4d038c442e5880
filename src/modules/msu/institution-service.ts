import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { audit } from '../audit/audit.js';
import { consumeVolume } from '../entitlements/measures.js';
import { fullName } from '../people/names.js';
import type { SignedDoc, SignedInput } from '../signing/signed-steps.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { DepartmentRow, InstitutionRow, MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import type { LockedStep, MsuOrderSteps } from './order-steps.js';
import {
  checkBedTotal,
  cleanReason,
  daysBetween,
  msuMachine,
  MSU_BEDS_DOCUMENT,
  requireStep,
  type MsuStatus,
} from './rules.js';
import { bedChangeView, departmentView, historyView, orderSummary } from './view-models.js';

export const PAGE_SIZE = 50;

type InstitutionStep = 'arrive' | 'no_show' | 'discharge';
type InstitutionEffect = (
  tx: Knex.Transaction,
  doc: SignedDoc,
  locked: LockedStep,
  step: { institution: string; reason: string | null },
) => Promise<void>;

/**
 * The institution cabinet (an employee of an organisation with the direction «special social
 * services»): incoming orders, arrival, no-show, discharge and bed counts — each a signed step.
 */
export class MsuInstitutionService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
    private readonly steps: MsuOrderSteps,
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
      institution: inst.name,
      departments: departments.map((d) => departmentView(d, lengths.get(d.id) ?? 0)),
      total: orders.total,
      rows: orders.rows.map((r) => {
        const inQueue = r.status === 'queued' || r.status === 'place_offered';
        return {
          id: r.id,
          number: r.number,
          status: r.status,
          tone: msuMachine.tone(r.status),
          recipientName: fullName(r),
          birthDate: r.birth_date,
          department: r.department,
          awaitingArrival: r.status === 'awaiting_arrival',
          arrivalDeadline: r.arrival_deadline,
          /** the deadline has passed: the machine now allows a no-show */
          deadlinePassed: msuMachine.can(r.status as MsuStatus, 'no_show', actor.roles, {
            now,
            arrivalDeadline: r.arrival_deadline,
          }),
          queueNumber: inQueue ? r.queue_seq : null,
          arrivedAt: r.arrived_at,
        };
      }),
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

  private async card(actor: Actor, orderId: number) {
    const { db, orders, people } = this.core;
    const { inst, order, detail } = await this.ownOrder(actor, orderId);
    const [dept, events, person] = await Promise.all([
      this.repo.department(db, detail.department_id),
      orders.events(db, order.id),
      people.findById(db, order.recipient_id),
    ]);
    return { inst, order, detail, dept: dept!, events, person: person! };
  }

  async orderCard(actor: Actor, orderId: number) {
    const { db } = this.core;
    const { inst, order, detail, dept, events, person } = await this.card(actor, orderId);
    const position =
      detail.queue_seq !== null && (detail.queue_state === 'waiting' || detail.queue_state === 'offered')
        ? await this.repo.position(db, detail.department_id, detail.queue_seq)
        : null;
    return {
      institution: inst.name,
      order: orderSummary(order),
      recipient: { name: fullName(person), birthDate: person.birth_date, phone: person.phone ?? null },
      department: dept.name,
      position,
      arrivalDeadline: detail.arrival_deadline,
      arrivedAt: detail.arrived_at,
      dischargedAt: detail.discharged_at,
      awaitingArrival: order.status === 'awaiting_arrival',
      actions: msuMachine.actionsFor(order.status as MsuStatus, actor.roles, {
        now: this.core.clock.now(),
        arrivalDeadline: detail.arrival_deadline,
      }),
      events: historyView(events),
    };
  }

  // ------------------------------------------------------------------ arrival, no-show, discharge

  private async startStep(actor: Actor, orderId: number, action: InstitutionStep, reason: string | null) {
    const card = await this.card(actor, orderId);
    const t = requireStep(card.order.status, action, actor.roles, {
      now: this.core.clock.now(),
      arrivalDeadline: card.detail.arrival_deadline,
    });
    const signRequest = await this.steps.issue(actor, action, card.order, {
      from: card.order.status,
      to: t.to,
      orderNumber: card.order.number,
      institution: card.inst.name,
      department: card.dept.name.ru ?? '',
      recipient: fullName(card.person),
      ...(reason ? { reason } : {}),
    });
    return {
      order: orderSummary(card.order),
      recipient: fullName(card.person),
      department: card.dept.name,
      to: t.to,
      reason,
      signRequest,
    };
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

  /** Tells Е-Собес what happened to the order (`msu.<event>`), once per order and event. */
  private toEsobes(
    tx: Knex.Transaction,
    order: OrderRow,
    event: 'arrived' | 'discharged',
    facts: Record<string, unknown>,
  ) {
    return this.core.outbox.enqueue(tx, {
      system: 'esobes',
      topic: `msu.${event}`,
      idempotencyKey: `msu:${order.id}:${event}`,
      payload: { orderNumber: order.number, measureId: order.measure_id, ...facts },
    });
  }

  /** What each signed step does besides its event, inside the step's transaction. */
  private readonly effects: Record<InstitutionStep, InstitutionEffect> = {
    arrive: async (tx, doc, { order, now }) => {
      await this.repo.updateDetail(tx, order.id, { arrived_at: now });
      await this.toEsobes(tx, order, 'arrived', {
        institutionBin: doc.cert.bin ?? null,
        arrivedAt: now.toISOString(),
      });
    },
    no_show: async (tx, _doc, { dept, order, now }, { institution }) => {
      await this.core.notifier.notify(
        tx,
        order.recipient_id,
        'msu:sms.noShow',
        { number: order.number, institution },
        `msu:${order.id}:no_show`,
      );
      await this.engine.releaseBed(tx, dept, 'no_show', now);
    },
    discharge: async (tx, _doc, { dept, order, detail, now }, { reason }) => {
      await this.repo.updateDetail(tx, order.id, { discharged_at: now, reason });
      await this.engine.releaseBed(tx, dept, 'discharge', now);
      const days = detail.arrived_at ? Math.max(1, Math.ceil(daysBetween(detail.arrived_at, now))) : 0;
      if (order.measure_id && days > 0) await this.consumeDays(tx, order.measure_id, days);
      await this.toEsobes(tx, order, 'discharged', { days, dischargedAt: now.toISOString(), reason });
    },
  };

  /** A signed step on an order of the employee's institution: the event, its effect, the audit entry. */
  private applyStep(
    actor: Actor,
    orderId: number,
    action: InstitutionStep,
    input: SignedInput,
  ): Promise<void> {
    let institution = '';
    const own = async (tx: Knex.Transaction) => {
      const pre = await this.ownOrder(actor, orderId, tx);
      institution = pre.inst.name;
      return pre;
    };
    return this.steps.apply(actor, action, orderId, input, own, async (tx, doc, locked) => {
      const reason = typeof doc.request.payload.reason === 'string' ? doc.request.payload.reason : null;
      await locked.advance(reason);
      await this.effects[action](tx, doc, locked, { institution, reason });
      await audit(tx, {
        actorId: actor.personId,
        principalId: locked.order.recipient_id,
        organisationId: actor.organisationId ?? null,
        action: `msu.${action}`,
        objectType: 'order',
        objectId: locked.order.id,
        signedDocumentId: doc.id,
        details: reason ? { reason } : {},
      });
    });
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
    return {
      institution: inst.name,
      department: departmentView(dept),
      history: history.map(bedChangeView),
    };
  }

  async startBedChange(actor: Actor, departmentId: number, total: number, reason: string) {
    const { inst, dept } = await this.ownDepartment(actor, departmentId);
    checkBedTotal(dept, total);
    const signRequest = await this.core.steps.issue(
      actor,
      MSU_BEDS_DOCUMENT,
      { type: 'msu-department', id: dept.id, version: 0 },
      {
        total,
        previousTotal: dept.beds_total,
        institution: inst.name,
        department: dept.name.ru ?? '',
        reason: cleanReason(reason),
      },
    );
    return {
      institution: inst.name,
      departmentId: dept.id,
      department: dept.name,
      previousTotal: dept.beds_total,
      total,
      reason: cleanReason(reason),
      signRequest,
    };
  }

  async changeBeds(actor: Actor, departmentId: number, input: SignedInput): Promise<{ offered: number }> {
    await this.ownDepartment(actor, departmentId);
    return this.core.steps.apply(
      actor,
      MSU_BEDS_DOCUMENT,
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
