/**
 * When the administrator excludes a ТСР supplier (docs/participants.md): every order not yet handed
 * over (nor given to the courier) is cancelled by the portal with the administrator's reason (the
 * machine's `withdraw` row), its reserved item goes back to the stock (the row's `release` effect),
 * and its recipient is told. A parcel already with KazPost is delivered as usual.
 */
import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { audit } from '../audit/audit.js';
import type { GoodsRepository } from './goods-repository.js';
import { goodsMachine, type GoodsStatus } from './rules.js';

const WITHDRAW = goodsMachine.transitions.find((t) => t.action === 'withdraw')!;

export class GoodsWithdrawal {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: GoodsRepository,
  ) {}

  /** Cancels the supplier's orders not yet handed over, in the caller's transaction; their ids. */
  async withdrawOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    reason: string,
    at: Date,
  ): Promise<number[]> {
    const ids = await this.repo.openOrderIdsOfOrganisation(tx, organisationId, WITHDRAW.from);
    const org = await this.core.people.organisationById(tx, organisationId);
    const done: number[] = [];
    for (const id of ids) {
      const order = await this.core.orders.lock(tx, id);
      const go = await this.repo.goodsOrderForUpdate(tx, id);
      if (!go || !goodsMachine.find(order.status as GoodsStatus, 'withdraw')) continue;
      // the row's effect: the reserved item is back in the stock
      if (WITHDRAW.effect === 'release' && go.reservation === 'reserved') {
        await this.repo.releaseOne(tx, go.goods_id, go.reserved_location_id!, at);
        await this.repo.updateGoodsOrder(tx, id, { reservation: 'released' });
      }
      await this.core.orders.transition(tx, order, goodsMachine, 'withdraw', {
        actorId: null,
        principalId: order.recipient_id,
        reason,
        signedDocumentId: null,
        details: { cause: 'organisation_excluded' },
        at,
      });
      await this.core.notifier.notify(
        tx,
        order.recipient_id,
        'staff:sms.orderWithdrawn',
        { number: order.number, provider: org?.name ?? '', reason },
        `order-withdrawn:${order.id}`,
      );
      await audit(tx, {
        action: 'goods_order.withdrawn',
        objectType: 'order',
        objectId: order.id,
        organisationId,
        details: { reason },
      });
      done.push(id);
    }
    return done;
  }
}
