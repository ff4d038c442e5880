import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { assertCanOrder, checkMeasure } from '../entitlements/measures.js';
import { fullName, maskedName } from '../people/names.js';
import type { SignedDoc, SignedInput } from '../signing/signed-steps.js';
import type { PreparedTx, Queryable } from '../../db/prepared.js';
import type { SignRequestRow } from '../signing/signing-service.js';
import type { FieldValue } from '../../eds/index.js';
import type { PersonRow } from '../people/people-repository.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { DepartmentRow, InstitutionRow, MsuRepository } from './repository.js';
import { placeView } from './view-models.js';
import {
  arrivalDeadline,
  checkGuard,
  dayMonthYear,
  msuMachine,
  MSU_HELP_TYPE,
  unsuitability,
  type MsuStatus,
} from './rules.js';

/** The order a signed «Записаться» or «Встать в очередь» made, with what it was made from. */
interface NewMsuOrder {
  order: OrderRow;
  person: PersonRow;
  inst: InstitutionRow;
}

/** A new order: «Записаться» (a free bed held for arrival) or «Встать в очередь», each signed. */
export class MsuEnrolmentService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
  ) {}

  /** Department and institution, checked as usable by this recipient for a new order. */
  private async target(actor: Actor, departmentId: number) {
    const { db, people } = this.core;
    const dept = await this.repo.department(db, departmentId);
    if (!dept || !dept.active) throw new NotFoundError();
    const inst = await this.repo.institution(db, dept.institution_id);
    if (!inst || !inst.active || !(await this.repo.organisationActive(db, inst))) throw new NotFoundError();
    const person = await people.findById(db, actor.principalId);
    if (!person) throw new NotFoundError();
    const why = unsuitability(dept, person, astanaDate(this.core.clock.now()));
    if (why) throw new AppError(`msu:errors.unsuitable.${why}`, 409);
    const open = await this.core.orders.openOrder(db, person.id, MSU_HELP_TYPE);
    if (open) throw new ConflictError('msu:errors.openOrderExists', { number: open.number });
    // the entitlement rules (measure, supplier-choice window, volume) before anything is signed
    const today = astanaDate(this.core.clock.now());
    await inTransaction(db, (tx) => assertCanOrder(tx, person.id, MSU_HELP_TYPE, today));
    return { dept, inst, person };
  }

  /** The application a new order is signed with: who asks for which department. */
  private issue(
    actor: Actor,
    action: 'enrol' | 'queue',
    { dept, inst, person }: { dept: DepartmentRow; inst: InstitutionRow; person: PersonRow },
    title: string,
    extra: Record<string, FieldValue> = {},
  ) {
    return this.core.steps.issue(
      actor,
      msuMachine.document(action),
      { type: 'msu-department', id: dept.id, version: 0 },
      {
        title,
        recipient: fullName(person),
        institution: inst.name,
        department: dept.name.ru ?? '',
        departmentId: dept.id,
        ...extra,
      },
    );
  }

  /** «Записаться»: the information to bring on arrival and the document to sign with «Подтвердить». */
  async startEnrolment(actor: Actor, departmentId: number) {
    const { dept, inst, person } = await this.target(actor, departmentId);
    const now = this.core.clock.now();
    checkGuard('enrol', { now, freeBeds: dept.free });
    const deadline = arrivalDeadline(now);
    const signRequest = await this.issue(
      actor,
      'enrol',
      { dept, inst, person },
      'Заявление на зачисление в МСУ',
      {
        arrivalDeadline: deadline,
      },
    );
    return { place: placeView(inst, dept, person), signRequest, arrivalDeadline: deadline };
  }

  /**
   * When this instance last saw a department without a free bed. It is a database observation (a
   * read, or the conditional UPDATE finding none) carried to requests already in flight, and it is only
   * ever used to refuse early — a bed is only ever given by the UPDATE in the transaction.
   */
  private readonly fullSeenAt = new Map<number, number>();

  private sawFull(departmentId: number): void {
    this.fullSeenAt.set(departmentId, performance.now());
  }

  /**
   * The signed enrolment. A department already full is refused before the signature is even verified
   * (nothing changes, the document stays unused): by a read made for this request, or by a later
   * observation of the same fact on this instance. Otherwise the bed is taken last in the transaction
   * with one conditional UPDATE, so the hot row is locked only until the commit.
   */
  async enrol(
    actor: Actor,
    departmentId: number,
    input: SignedInput,
  ): Promise<{ orderId: number; number: string }> {
    const { db, clock, notifier } = this.core;
    const asked = performance.now();
    // the department's pre-check and the sign request in one statement
    const found = await this.repo.departmentForSigning(db, departmentId, input.signRequestId);
    const pre = found?.dept;
    if (!found || !pre || !pre.active) throw new NotFoundError();
    if (pre.free <= 0) this.sawFull(departmentId);
    checkGuard('enrol', { now: clock.now(), freeBeds: pre.free });
    if ((this.fullSeenAt.get(departmentId) ?? -Infinity) > asked)
      throw new AppError('msu:errors.noFreeBeds', 409);
    const prefetched = { request: found.request };
    const done = await this.applyNew(
      'enrol',
      actor,
      pre,
      input,
      async (tx, { order, person, inst }, now) => {
        const deadline = arrivalDeadline(now);
        await notifier.notifyRecipient(
          tx,
          person,
          'msu:sms.enrolled',
          { number: order.number, institution: inst.name, deadline: dayMonthYear(deadline) },
          `msu:${order.id}:enrolled`,
        );
        // the bed, last, with the order's detail and referral: the only statement on the contended
        // row, held until the commit that follows
        const bed = await this.repo.takeBedFor(
          tx,
          pre.id,
          now,
          {
            order_id: order.id,
            institution_id: inst.id,
            department_id: pre.id,
            entry: 'direct',
            arrival_deadline: deadline,
            bed_held_at: now,
          },
          {
            order_id: order.id,
            institution_id: inst.id,
            department_id: pre.id,
            issued_at: now,
            recipient_masked: maskedName(person),
            via: 'free_bed',
            queue_number: null,
            queue_position: null,
            release_id: null,
          },
        );
        if (!bed) {
          this.sawFull(pre.id);
          throw new AppError('msu:errors.noFreeBeds', 409);
        }
        return { orderId: order.id, number: order.number, lastBed: bed.free === 0 };
      },
      prefetched,
    );
    // the last bed, taken and committed: requests already in flight need not verify their signatures
    if (done.lastBed) this.sawFull(departmentId);
    return { orderId: done.orderId, number: done.number };
  }

  /**
   * A signed «Записаться» or «Встать в очередь»: the new order, then what the action adds to it.
   * «Записаться» sends prepared statements only, so it runs in a PreparedTx (no knex transaction is
   * built for the busiest signed step); the queue entry's statements are knex's.
   */
  private applyNew<T>(
    action: 'enrol',
    actor: Actor,
    pre: DepartmentRow,
    input: SignedInput,
    then: (tx: PreparedTx, created: NewMsuOrder, now: Date) => Promise<T>,
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T>;
  private applyNew<T>(
    action: 'queue',
    actor: Actor,
    pre: DepartmentRow,
    input: SignedInput,
    then: (tx: Knex.Transaction, created: NewMsuOrder, now: Date) => Promise<T>,
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T>;
  private applyNew<T>(
    action: 'enrol' | 'queue',
    actor: Actor,
    pre: DepartmentRow,
    input: SignedInput,
    then: (tx: never, created: NewMsuOrder, now: Date) => Promise<T>,
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T> {
    const { steps } = this.core;
    const change = async <Tx extends Queryable>(tx: Tx, doc: SignedDoc) => {
      const now = this.core.clock.now();
      const created = await this.createOrder(tx, actor, pre, doc.id, now, action);
      return (then as (tx: Tx, created: NewMsuOrder, now: Date) => Promise<T>)(tx, created, now);
    };
    const object = { type: 'msu-department', id: pre.id };
    const step = msuMachine.document(action);
    return action === 'enrol'
      ? steps.applyPrepared(actor, step, object, input, change, prefetched)
      : steps.apply(actor, step, object, input, change, prefetched);
  }

  /**
   * The order of a signed «Записаться» or «Встать в очередь», inside its transaction: the measure
   * allows it, the person suits the department, the order row with its first event.
   */
  private async createOrder(
    tx: Queryable,
    actor: Actor,
    pre: DepartmentRow,
    signedDocumentId: number,
    now: Date,
    action: 'enrol' | 'queue',
  ): Promise<NewMsuOrder> {
    const { orders } = this.core;
    const today = astanaDate(now);
    // the measure (locked), an open order, the person and the institution: one statement
    const ctx = await this.repo.orderContext(tx, actor.principalId, MSU_HELP_TYPE, pre.institution_id);
    const measure = checkMeasure(ctx.measure, ctx.openOrder, today);
    const { person, institution: inst } = ctx;
    if (!person || !inst) throw new NotFoundError();
    const why = unsuitability(pre, person, today);
    if (why) throw new AppError(`msu:errors.unsuitable.${why}`, 409);
    const start = msuMachine.transitions.find((t) => t.action === action)!;
    const order = await orders.create(tx, {
      kind: 'msu',
      helpType: MSU_HELP_TYPE,
      recipientId: person.id,
      createdBy: actor.personId,
      measureId: measure.id,
      organisationId: inst.organisation_id,
      status: start.to satisfies MsuStatus,
      details: {
        institutionId: inst.id,
        departmentId: pre.id,
        institution: inst.name,
        department: pre.name.ru ?? '',
      },
      signedDocumentId,
      action,
      at: now,
    });
    return { order, person, inst };
  }

  /** «Встать в очередь»: what the queue means and the document to sign. */
  async startQueue(actor: Actor, departmentId: number) {
    const { dept, inst, person } = await this.target(actor, departmentId);
    checkGuard('queue', { now: this.core.clock.now(), freeBeds: dept.free });
    const queueLength = await this.repo.queueLength(this.core.db, dept.id);
    const signRequest = await this.issue(
      actor,
      'queue',
      { dept, inst, person },
      'Заявление о постановке в очередь в МСУ',
    );
    return {
      place: placeView(inst, dept, person),
      signRequest,
      queueLength,
      priorityDays: this.core.config.MSU_PRIORITY_DAYS,
    };
  }

  /**
   * The signed queue entry. The queue number is taken under the department row's lock, which lasts
   * until the commit: numbers follow commit order and never repeat, on any number of instances.
   */
  async joinQueue(
    actor: Actor,
    departmentId: number,
    input: SignedInput,
  ): Promise<{ orderId: number; number: string; position: number }> {
    const { db, clock, notifier } = this.core;
    const found = await this.repo.departmentForSigning(db, departmentId, input.signRequestId);
    const pre = found?.dept;
    if (!found || !pre || !pre.active) throw new NotFoundError();
    checkGuard('queue', { now: clock.now(), freeBeds: pre.free });
    const prefetched = { request: found.request };
    return this.applyNew(
      'queue',
      actor,
      pre,
      input,
      async (tx, { order, person, inst }, now) => {
        const seq = await this.repo.takeQueueNumber(tx, pre.id);
        if (seq === null) throw new AppError('msu:errors.freeBedsAvailable', 409);
        await this.repo.insertDetail(tx, {
          order_id: order.id,
          institution_id: inst.id,
          department_id: pre.id,
          entry: 'queue',
          queue_seq: seq,
          queue_state: 'waiting',
          queued_at: now,
        });
        const position = await this.repo.position(tx, pre.id, seq);
        await notifier.notifyRecipient(
          tx,
          person,
          'msu:sms.queued',
          { number: order.number, institution: inst.name, position },
          `msu:${order.id}:queued`,
        );
        return { orderId: order.id, number: order.number, position };
      },
      prefetched,
    );
  }
}
