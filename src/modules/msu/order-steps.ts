import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import type { FieldValue } from '../../eds/index.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { SignedDoc, SignedInput } from '../signing/signed-steps.js';
import type { DepartmentRow, MsuOrderRow, MsuRepository } from './repository.js';
import type { MsuEngine } from './engine.js';
import { msuMachine, requireStep, type MsuAction } from './rules.js';

/** An order locked for its step: the department first, then the order (the engine's lock order). */
export interface LockedStep {
  dept: DepartmentRow;
  order: OrderRow;
  detail: MsuOrderRow;
  now: Date;
  /** the machine's row applied to the order: the signed event (with the reason, when one is given) */
  advance: (reason?: string | null) => Promise<OrderRow>;
}

/**
 * The signed steps on an existing МСУ order, for the recipient's and the institution's side alike:
 * the document of the machine's row is issued about the order at its version; the signed copy is
 * applied with the department and the order locked, at the signed version, the step allowed now.
 */
export class MsuOrderSteps {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
  ) {}

  issue(actor: Actor, action: MsuAction, order: OrderRow, payload: Record<string, FieldValue>) {
    return this.core.steps.issue(
      actor,
      msuMachine.document(action),
      { type: 'msu-order', id: order.id, version: order.version },
      payload,
    );
  }

  /** `own` finds the order as the actor's own (or refuses) before anything is locked. */
  apply<T>(
    actor: Actor,
    action: MsuAction,
    orderId: number,
    input: SignedInput,
    own: (tx: Knex.Transaction) => Promise<{ detail: MsuOrderRow }>,
    fn: (tx: Knex.Transaction, doc: SignedDoc, locked: LockedStep) => Promise<T>,
  ): Promise<T> {
    const { core } = this;
    return core.steps.apply(
      actor,
      msuMachine.document(action),
      { type: 'msu-order', id: orderId },
      input,
      async (tx, doc) => {
        const now = core.clock.now();
        const pre = await own(tx);
        const dept = await this.engine.lockDepartment(tx, pre.detail.department_id);
        const order = await core.orders.lock(tx, orderId);
        const version = doc.request.object_version;
        if (version !== null && order.version !== version) throw new AppError('order_changed_meanwhile', 409);
        const detail = (await this.repo.detail(tx, order.id))!;
        requireStep(order.status, action, actor.roles, { now, arrivalDeadline: detail.arrival_deadline });
        const advance = (reason?: string | null) =>
          this.engine.transition(tx, order, action, {
            actorId: actor.personId,
            reason: reason ?? null,
            signedDocumentId: doc.id,
            at: now,
          });
        return fn(tx, doc, { dept, order, detail, now, advance });
      },
    );
  }
}
