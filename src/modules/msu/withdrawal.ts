/**
 * When the administrator excludes an МСУ's organisation (docs/participants.md): every order of its
 * institutions not yet enrolled — in the queue, offered a place, or awaiting arrival — is cancelled
 * by the portal with the administrator's reason (the machine's `withdraw` row), leaves the queue, and
 * its recipient is told. Enrolled residents and the departments' beds are left as they are.
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { audit } from '../audit/audit.js';
import type { MsuEngine } from './engine.js';
import type { MsuRepository } from './repository.js';
import { msuMachine } from './rules.js';

const WITHDRAWABLE = msuMachine.transitions.find((t) => t.action === 'withdraw')!.from;

export class MsuWithdrawal {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: MsuRepository,
    private readonly engine: MsuEngine,
  ) {}

  /** Cancels the organisation's open orders not yet enrolled, in the caller's transaction; their ids. */
  async withdrawOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    reason: string,
    at: Date,
  ): Promise<number[]> {
    const rows = await this.repo.openOrdersOfOrganisation(tx, organisationId, WITHDRAWABLE);
    const done: number[] = [];
    for (const r of rows) {
      // the department first, then the order (the queue's lock order)
      await this.engine.lockDepartment(tx, r.department_id);
      const order = await this.core.orders.lock(tx, r.id);
      const detail = await this.repo.detail(tx, order.id);
      if (!detail || !msuMachine.find(order.status as never, 'withdraw')) continue;
      if (order.status === 'place_offered') {
        const release = await this.repo.pendingReleaseFor(tx, order.id);
        if (release) await this.repo.closeRelease(tx, release.id, 'cancelled', at);
      }
      await this.engine.transition(tx, order, 'withdraw', {
        actorId: null,
        at,
        reason,
        details: { cause: 'organisation_excluded' },
      });
      await this.engine.leaveQueue(tx, detail, 'cancelled', at);
      await this.core.notifier.notify(
        tx,
        order.recipient_id,
        'staff:sms.orderWithdrawn',
        { number: order.number, provider: r.institution, reason },
        `order-withdrawn:${order.id}`,
      );
      await audit(tx, {
        action: 'msu.order_withdrawn',
        objectType: 'order',
        objectId: order.id,
        organisationId,
        details: { reason },
      });
      done.push(order.id);
    }
    return done;
  }
}
