/**
 * When the administrator excludes a specialist (docs/participants.md): the orders of the registry
 * entry not yet accepted are cancelled by the portal with the administrator's reason (the machine's
 * `withdraw` row); the orders in execution end (`end_by_exclusion`, Е-Собес is told as for any
 * ended order), the hours in their journal stay and the acts of their months may still be sent.
 * Every recipient is told. An excluded organisation's УЖЯ/УИП orders follow the same rule, whether or
 * not it has assigned one of its specialists yet.
 */
import type { Knex } from 'knex';
import { audit } from '../audit/audit.js';
import type { AreaContext } from './context.js';
import type { ServiceOrderService } from './order-service.js';
import { serviceMachine, type ServiceStatus } from './rules.js';

const FROM = serviceMachine.transitions
  .filter((t) => t.action === 'withdraw' || t.action === 'end_by_exclusion')
  .flatMap((t) => t.from);

export class SpecialistWithdrawal {
  constructor(
    private readonly c: AreaContext,
    private readonly orders: ServiceOrderService,
  ) {}

  /** Ends the entry's open orders, in the caller's transaction; their ids. */
  async withdrawEntry(tx: Knex.Transaction, entryId: number, reason: string, at: Date): Promise<number[]> {
    const ids = await this.c.serviceOrders.openOrderIdsOfEntry(tx, entryId, FROM);
    return this.withdraw(tx, ids, reason, at, 'specialist_excluded');
  }

  /** Ends the open orders sent to an excluded organisation, in the caller's transaction; their ids. */
  async withdrawOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    reason: string,
    at: Date,
  ): Promise<number[]> {
    const ids = await this.c.serviceOrders.openOrderIdsOfOrganisation(tx, organisationId, FROM);
    return this.withdraw(tx, ids, reason, at, 'organisation_excluded');
  }

  private async withdraw(
    tx: Knex.Transaction,
    ids: number[],
    reason: string,
    at: Date,
    cause: 'specialist_excluded' | 'organisation_excluded',
  ): Promise<number[]> {
    const done: number[] = [];
    for (const id of ids) {
      const order = await this.c.core.orders.lock(tx, id);
      const status = order.status as ServiceStatus;
      const action = serviceMachine.find(status, 'withdraw')
        ? 'withdraw'
        : serviceMachine.find(status, 'end_by_exclusion')
          ? 'end_by_exclusion'
          : null;
      if (!action) continue;
      const t = serviceMachine.find(status, action)!;
      const row = await this.c.core.orders.transition(tx, order, serviceMachine, action, {
        actorId: null,
        principalId: order.recipient_id,
        reason,
        signedDocumentId: null,
        details: { cause },
        at,
      });
      const view = (await this.c.serviceOrders.view(tx, id))!;
      if (t.effect === 'end') await this.orders.endedToEsobes(tx, view, row, at);
      await this.c.core.notifier.notify(
        tx,
        order.recipient_id,
        'staff:sms.orderWithdrawn',
        { number: order.number, provider: view.organisation_name ?? view.specialist_name, reason },
        `order-withdrawn:${order.id}`,
      );
      await audit(tx, {
        action: `service_order.${action}`,
        objectType: 'order',
        objectId: id,
        details: { reason },
      });
      done.push(id);
    }
    return done;
  }
}
