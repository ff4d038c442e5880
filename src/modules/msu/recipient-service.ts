import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor, Role } from '../../lib/actor.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { assertCanOrder } from '../entitlements/measures.js';
import { type PersonRow } from '../people/people-repository.js';
import { fullName, maskedName } from '../people/names.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { FieldValue } from '../../eds/index.js';
import type { CatalogueFilter, DepartmentRow, InstitutionRow, MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import type { MsuSigning, SignedDoc, SignedInput } from './steps.js';
import {
  arrivalDeadline,
  msuMachine,
  MSU_HELP_TYPE,
  unsuitability,
  type MsuAction,
  type MsuStatus,
} from './rules.js';

const RECIPIENT_ACTIONS: MsuAction[] = ['cancel_queue', 'accept_offer', 'decline_offer', 'cancel_enrolment'];
const RECIPIENT_ROLES: Role[] = ['recipient', 'guardian'];

export interface DepartmentView extends DepartmentRow {
  queueLength: number;
  /** why the acting recipient cannot be placed here (null: they can, or nobody is logged in) */
  unsuitable: 'sex' | 'age' | null;
}

export interface InstitutionView extends InstitutionRow {
  departments: DepartmentView[];
}

/** The recipient's side: catalogue, «Записаться», «Встать в очередь», the order card and its steps. */
export class MsuRecipientService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
    private readonly signing: MsuSigning,
  ) {}

  private async principal(actor: Actor): Promise<PersonRow> {
    const p = await this.core.people.findById(this.core.db, actor.principalId);
    if (!p) throw new NotFoundError();
    return p;
  }

  /** The open МСУ order of the person acted for, if any (one open order per help type). */
  async openOrder(actor: Actor): Promise<OrderRow | undefined> {
    return this.core.orders.openOrder(this.core.db, actor.principalId, MSU_HELP_TYPE);
  }

  /** «Выбрать поставщика» for МСУ: institutions with their departments, filtered. */
  async catalogue(filter: CatalogueFilter, actor: Actor | null) {
    const { db } = this.core;
    const institutions = await this.repo.institutions(db, filter);
    const departments = await this.repo.departments(
      db,
      institutions.map((i) => i.id),
      { profile: filter.profile },
    );
    const lengths = await this.repo.queueLengths(
      db,
      departments.map((d) => d.id),
    );
    const acting =
      actor && actor.roles.some((r) => RECIPIENT_ROLES.includes(r)) ? await this.principal(actor) : null;
    const today = astanaDate(this.core.clock.now());
    const views: InstitutionView[] = institutions.map((i) => ({
      ...i,
      departments: departments
        .filter((d) => d.institution_id === i.id)
        .map((d) => ({
          ...d,
          queueLength: lengths.get(d.id) ?? 0,
          unsuitable: acting ? unsuitability(d, acting, today) : null,
        })),
    }));
    const options = await this.repo.filterOptions(db);
    const openOrder = acting ? await this.core.orders.openOrder(db, acting.id, MSU_HELP_TYPE) : undefined;
    return { institutions: views, options, openOrder: openOrder ?? null };
  }

  /** A department with its institution and queue length (public facts). */
  async department(id: number) {
    const { db } = this.core;
    const dept = await this.repo.department(db, id);
    if (!dept || !dept.active) throw new NotFoundError();
    const inst = await this.repo.institution(db, dept.institution_id);
    if (!inst || !inst.active) throw new NotFoundError();
    return { dept, inst, queueLength: await this.repo.queueLength(db, dept.id) };
  }

  /** Department and institution, checked as usable by this recipient for a new order. */
  private async target(actor: Actor, departmentId: number) {
    const { db } = this.core;
    const dept = await this.repo.department(db, departmentId);
    if (!dept || !dept.active) throw new NotFoundError();
    const inst = await this.repo.institution(db, dept.institution_id);
    if (!inst || !inst.active) throw new NotFoundError();
    const person = await this.principal(actor);
    const why = unsuitability(dept, person, astanaDate(this.core.clock.now()));
    if (why) throw new AppError(`msu:errors.unsuitable.${why}`, 409);
    const open = await this.core.orders.openOrder(db, person.id, MSU_HELP_TYPE);
    if (open) throw new ConflictError('msu:errors.openOrderExists', { number: open.number });
    // the entitlement rules (measure, supplier-choice window, volume) before anything is signed
    const today = astanaDate(this.core.clock.now());
    await inTransaction(db, (tx) => assertCanOrder(tx, person.id, MSU_HELP_TYPE, today));
    return { dept, inst, person };
  }

  /** «Записаться»: the information to bring on arrival and the document to sign with «Подтвердить». */
  async startEnrolment(actor: Actor, departmentId: number) {
    const { dept, inst, person } = await this.target(actor, departmentId);
    if (dept.free <= 0) throw new AppError('msu:errors.noFreeBeds', 409);
    const deadline = arrivalDeadline(this.core.clock.now());
    const signRequest = await this.signing.issue(
      actor,
      'individual',
      'order',
      'msu.enrol',
      { type: 'msu-department', id: dept.id, version: 0 },
      {
        title: 'Заявление на зачисление в МСУ',
        recipient: fullName(person),
        institution: inst.name,
        department: dept.name.ru ?? '',
        departmentId: dept.id,
        arrivalDeadline: deadline,
      },
    );
    return { dept, inst, person, signRequest, arrivalDeadline: deadline };
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
    const pre = await this.repo.department(db, departmentId);
    if (!pre || !pre.active) throw new NotFoundError();
    if (pre.free <= 0) {
      this.sawFull(departmentId);
      throw new AppError('msu:errors.noFreeBeds', 409);
    }
    if ((this.fullSeenAt.get(departmentId) ?? -Infinity) > asked)
      throw new AppError('msu:errors.noFreeBeds', 409);
    const done = await this.signing.apply(
      actor,
      'individual',
      'msu.enrol',
      { type: 'msu-department', id: departmentId },
      input,
      async (tx, doc) => {
        const now = clock.now();
        const { order, person, inst } = await this.createOrder(
          tx,
          actor,
          pre,
          doc.id,
          now,
          'awaiting_arrival',
          'enrol',
        );
        const deadline = arrivalDeadline(now);
        await this.repo.insertDetail(tx, {
          order_id: order.id,
          institution_id: inst.id,
          department_id: pre.id,
          entry: 'direct',
          arrival_deadline: deadline,
          bed_held_at: now,
        });
        await this.repo.insertReferral(tx, {
          order_id: order.id,
          institution_id: inst.id,
          department_id: pre.id,
          issued_at: now,
          recipient_masked: maskedName(person),
          via: 'free_bed',
          queue_number: null,
          queue_position: null,
          release_id: null,
        });
        await notifier.notify(
          tx,
          person.id,
          'msu:sms.enrolled',
          { number: order.number, institution: inst.name, deadline: deadline.split('-').reverse().join('.') },
          `msu:${order.id}:enrolled`,
        );
        // the bed, last: the only statement on the contended row, held until the commit that follows
        const bed = await this.repo.takeBed(tx, pre.id, now);
        if (!bed) {
          this.sawFull(pre.id);
          throw new AppError('msu:errors.noFreeBeds', 409);
        }
        return { orderId: order.id, number: order.number, lastBed: bed.free === 0 };
      },
    );
    // the last bed, taken and committed: requests already in flight need not verify their signatures
    if (done.lastBed) this.sawFull(departmentId);
    return { orderId: done.orderId, number: done.number };
  }

  /**
   * The order of a signed «Записаться» or «Встать в очередь», inside its transaction: the measure
   * allows it, the person suits the department, the order row with its first event.
   */
  private async createOrder(
    tx: Knex.Transaction,
    actor: Actor,
    pre: DepartmentRow,
    signedDocumentId: number,
    now: Date,
    status: MsuStatus,
    action: MsuAction,
  ) {
    const { orders, people } = this.core;
    const today = astanaDate(now);
    const measure = await assertCanOrder(tx, actor.principalId, MSU_HELP_TYPE, today);
    const person = await people.findById(tx, actor.principalId);
    const inst = await this.repo.institution(tx, pre.institution_id);
    if (!person || !inst) throw new NotFoundError();
    const why = unsuitability(pre, person, today);
    if (why) throw new AppError(`msu:errors.unsuitable.${why}`, 409);
    const order = await orders.create(tx, {
      kind: 'msu',
      helpType: MSU_HELP_TYPE,
      recipientId: person.id,
      createdBy: actor.personId,
      measureId: measure.id,
      organisationId: inst.organisation_id,
      status,
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
    if (dept.free > 0) throw new AppError('msu:errors.freeBedsAvailable', 409);
    const queueLength = await this.repo.queueLength(this.core.db, dept.id);
    const signRequest = await this.signing.issue(
      actor,
      'individual',
      'order',
      'msu.queue',
      { type: 'msu-department', id: dept.id, version: 0 },
      {
        title: 'Заявление о постановке в очередь в МСУ',
        recipient: fullName(person),
        institution: inst.name,
        department: dept.name.ru ?? '',
        departmentId: dept.id,
      },
    );
    return { dept, inst, person, signRequest, queueLength, priorityDays: this.core.config.MSU_PRIORITY_DAYS };
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
    const pre = await this.repo.department(db, departmentId);
    if (!pre || !pre.active) throw new NotFoundError();
    if (pre.free > 0) throw new AppError('msu:errors.freeBedsAvailable', 409);
    return this.signing.apply(
      actor,
      'individual',
      'msu.queue',
      { type: 'msu-department', id: departmentId },
      input,
      async (tx, doc) => {
        const now = clock.now();
        const { order, person, inst } = await this.createOrder(
          tx,
          actor,
          pre,
          doc.id,
          now,
          'queued',
          'queue',
        );
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
        await notifier.notify(
          tx,
          person.id,
          'msu:sms.queued',
          { number: order.number, institution: inst.name, position },
          `msu:${order.id}:queued`,
        );
        return { orderId: order.id, number: order.number, position };
      },
    );
  }

  /** The МСУ orders of the person acted for. */
  async myOrders(actor: Actor) {
    const { rows } = await this.core.orders.listForRecipient(this.core.db, actor.principalId, {
      kinds: ['msu'],
      limit: 100,
    });
    return rows;
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
    const offer =
      order.status === 'place_offered' ? ((await this.repo.pendingReleaseOf(db, order.id)) ?? null) : null;
    const actions = msuMachine
      .actionsFor(order.status as MsuStatus, actor.roles)
      .filter((a) => RECIPIENT_ACTIONS.includes(a));
    return { order, detail, dept: dept!, inst: inst!, events, changes, position, offer, actions };
  }

  // ------------------------------------------------------------------ steps on an existing order

  private async startOrderStep(
    actor: Actor,
    orderId: number,
    action: MsuAction,
    purpose: 'msu.cancel_queue' | 'msu.accept_offer' | 'msu.decline_offer' | 'msu.cancel_enrolment',
    kind: 'refusal' | 'confirmation',
    fields: Record<string, FieldValue>,
  ) {
    const { order, detail } = await this.ownOrder(actor, orderId);
    msuMachine.require(order.status as MsuStatus, action, actor.roles);
    const inst = await this.repo.institution(this.core.db, detail.institution_id);
    const dept = await this.repo.department(this.core.db, detail.department_id);
    const signRequest = await this.signing.issue(
      actor,
      'individual',
      kind,
      purpose,
      { type: 'msu-order', id: order.id, version: order.version },
      {
        orderNumber: order.number,
        institution: inst?.name ?? '',
        department: dept?.name.ru ?? '',
        ...fields,
      },
    );
    return { order, detail, inst: inst!, dept: dept!, signRequest };
  }

  /** Locks the department, then the order (the engine's lock order), and checks the signed version. */
  private async lockForStep(tx: Knex.Transaction, actor: Actor, orderId: number, version: number | null) {
    const { order: pre, detail: preDetail } = await this.ownOrder(actor, orderId);
    const dept = await this.engine.lockDepartment(tx, preDetail.department_id);
    const order = await this.core.orders.lock(tx, pre.id);
    if (version !== null && order.version !== version) throw new AppError('order_changed_meanwhile', 409);
    const detail = (await this.repo.detail(tx, order.id))!;
    return { dept, order, detail };
  }

  /**
   * A signed step on the recipient's own order: the document signed for it, the department and the
   * order locked at the signed version, the step allowed from the order's status.
   */
  private async applyOrderStep(
    actor: Actor,
    orderId: number,
    action: 'cancel_queue' | 'accept_offer' | 'decline_offer' | 'cancel_enrolment',
    input: SignedInput,
    fn: (
      tx: Knex.Transaction,
      doc: SignedDoc,
      locked: Awaited<ReturnType<MsuRecipientService['lockForStep']>> & { now: Date },
    ) => Promise<void>,
  ): Promise<void> {
    await this.signing.apply(
      actor,
      'individual',
      `msu.${action}`,
      { type: 'msu-order', id: orderId },
      input,
      async (tx, doc) => {
        const now = this.core.clock.now();
        const locked = await this.lockForStep(tx, actor, orderId, doc.request.object_version);
        msuMachine.require(locked.order.status as MsuStatus, action, actor.roles);
        await fn(tx, doc, { ...locked, now });
      },
    );
  }

  /** «Отменить ожидание очереди» → the refusal form's reason → «Подписать». */
  startCancelQueue(actor: Actor, orderId: number, reason: string) {
    return this.startOrderStep(actor, orderId, 'cancel_queue', 'msu.cancel_queue', 'refusal', { reason });
  }

  async cancelQueue(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    await this.applyOrderStep(
      actor,
      orderId,
      'cancel_queue',
      input,
      async (tx, doc, { dept, order, detail, now }) => {
        const reason = String(doc.request.payload.reason ?? '');
        const offered =
          order.status === 'place_offered' ? await this.repo.pendingReleaseFor(tx, order.id) : undefined;
        await this.engine.transition(tx, order, 'cancel_queue', {
          actorId: actor.personId,
          reason,
          signedDocumentId: doc.id,
          at: now,
        });
        if (offered) await this.engine.passOn(tx, dept, detail, offered, 'cancelled', now);
        else await this.engine.leaveQueue(tx, detail, 'cancelled', now, { reason });
        if (offered) await this.repo.updateDetail(tx, order.id, { reason });
      },
    );
  }

  /** The offered place: the document «Подтвердить» signs. */
  async startAcceptOffer(actor: Actor, orderId: number) {
    const step = await this.startOrderStep(
      actor,
      orderId,
      'accept_offer',
      'msu.accept_offer',
      'confirmation',
      {
        statement: 'Согласен(на) на предложенное место в МСУ',
      },
    );
    const offer = (await this.repo.pendingReleaseOf(this.core.db, orderId)) ?? null;
    return { ...step, offer, arrivalDeadline: arrivalDeadline(this.core.clock.now()) };
  }

  async acceptOffer(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    await this.applyOrderStep(
      actor,
      orderId,
      'accept_offer',
      input,
      async (tx, doc, { dept, order, detail, now }) => {
        await this.engine.acceptOffer(tx, dept, order, detail, actor.personId, doc.id, now);
      },
    );
  }

  async startDeclineOffer(actor: Actor, orderId: number) {
    return this.startOrderStep(actor, orderId, 'decline_offer', 'msu.decline_offer', 'refusal', {
      reason: 'Отказ от предложенного места в МСУ',
    });
  }

  async declineOffer(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    await this.applyOrderStep(
      actor,
      orderId,
      'decline_offer',
      input,
      async (tx, doc, { dept, order, detail, now }) => {
        const release = await this.repo.pendingReleaseFor(tx, order.id);
        if (!release)
          throw new AppError('order_action_not_allowed', 409, {
            action: 'decline_offer',
            status: order.status,
          });
        await this.engine.transition(tx, order, 'decline_offer', {
          actorId: actor.personId,
          signedDocumentId: doc.id,
          at: now,
        });
        await this.engine.passOn(tx, dept, detail, release, 'declined', now);
      },
    );
  }

  /** Cancelling an enrolment before arrival (the held bed is released). */
  startCancelEnrolment(actor: Actor, orderId: number, reason: string) {
    return this.startOrderStep(actor, orderId, 'cancel_enrolment', 'msu.cancel_enrolment', 'refusal', {
      reason,
    });
  }

  async cancelEnrolment(actor: Actor, orderId: number, input: SignedInput): Promise<void> {
    await this.applyOrderStep(
      actor,
      orderId,
      'cancel_enrolment',
      input,
      async (tx, doc, { dept, order, now }) => {
        const reason = String(doc.request.payload.reason ?? '');
        await this.engine.transition(tx, order, 'cancel_enrolment', {
          actorId: actor.personId,
          reason,
          signedDocumentId: doc.id,
          at: now,
        });
        await this.repo.updateDetail(tx, order.id, { reason });
        await this.engine.releaseBed(tx, dept, 'enrolment_cancelled', now);
      },
    );
  }
}
