import type { Knex } from 'knex';
import type { Actor, Role } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import type { PersonRow } from '../people/people-repository.js';
import type { OrderRow } from '../orders/orders-repository.js';
import type { GoodsOrderRow, LocationRow } from './goods-repository.js';
import type { GoodsStatus } from './rules.js';
import { GoodsServiceBase } from './service-base.js';

/** Which cabinet acts on an order: the recipient (or a guardian for the ward) or the supplier's employee. */
export type Side = 'recipient' | 'supplier';

/** A goods order as the services read it: the common order row and its goods part. */
export interface LoadedOrder {
  order: OrderRow & { status: GoodsStatus };
  go: GoodsOrderRow;
}

/** 'Name: region, locality, address' of a stationary point or warehouse (as the documents write it). */
export function locationLine(l: LocationRow): string {
  return `${l.name}: ${[l.region, l.locality, l.address].filter(Boolean).join(', ')}`;
}

/** Reading a goods order for one side, and who may see it: shared by the card and the steps. */
export class GoodsOrderAccess extends GoodsServiceBase {
  async person(id: number, db: Knex | Knex.Transaction = this.db): Promise<PersonRow> {
    const p = await this.core.people.findById(db, id);
    if (!p) throw new NotFoundError();
    return p;
  }

  /** The order as one side may see it; another person's or organisation's order does not exist. */
  async load(actor: Actor, side: Side, orderId: number): Promise<LoadedOrder> {
    if (!Number.isSafeInteger(orderId) || orderId <= 0) throw new NotFoundError();
    const order = await this.core.orders.findById(this.db, orderId);
    if (!order || order.kind !== 'goods') throw new NotFoundError();
    const go = await this.repo.goodsOrder(this.db, orderId);
    if (!go) throw new NotFoundError();
    const loaded = { order: order as LoadedOrder['order'], go };
    this.authorise(loaded, actor, side);
    return loaded;
  }

  /** The same under row locks, inside a step's transaction. */
  async lock(tx: Knex.Transaction, actor: Actor, side: Side, orderId: number): Promise<LoadedOrder> {
    const order = await this.core.orders.lock(tx, orderId);
    const go = await this.repo.goodsOrderForUpdate(tx, orderId);
    if (order.kind !== 'goods' || !go) throw new NotFoundError();
    const loaded = { order: order as LoadedOrder['order'], go };
    this.authorise(loaded, actor, side);
    return loaded;
  }

  /** Another person's or organisation's order does not exist for this actor. */
  private authorise({ order, go }: LoadedOrder, actor: Actor, side: Side): void {
    if (side === 'recipient' && order.recipient_id !== actor.principalId) throw new NotFoundError();
    if (side === 'supplier' && (!actor.organisationId || go.organisation_id !== actor.organisationId))
      throw new NotFoundError();
  }

  /** The roles a side acts in: the recipient's own roles, or the supplier's employee. */
  rolesOf(actor: Actor, side: Side): readonly Role[] {
    return side === 'supplier'
      ? (['employee'] as const)
      : actor.roles.filter((r) => r === 'recipient' || r === 'guardian');
  }
}
