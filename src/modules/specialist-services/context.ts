import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { EntitlementsModule } from '../entitlements/index.js';
import type { Actor } from '../../lib/actor.js';
import type { PersonRow } from '../people/people-repository.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import {
  ActsRepository,
  JournalRepository,
  RegistryRepository,
  ServiceOrdersRepository,
  type ServiceOrderView,
} from './repository.js';
import { SPECIALIST_VISIBLE, type ServiceStatus } from './rules.js';

/** What every service of the area shares: the core, the repositories, and the ownership checks. */
export class AreaContext {
  readonly registry = new RegistryRepository();
  readonly serviceOrders = new ServiceOrdersRepository();
  readonly journal = new JournalRepository();
  readonly acts = new ActsRepository();

  constructor(
    readonly core: CoreServices,
    readonly entitlements: Pick<EntitlementsModule, 'assertCanOrder' | 'consumeVolume'>,
  ) {}

  get db(): Knex {
    return this.core.db;
  }

  /** the one signed-step path (issue → verify → consume and change in one transaction) */
  get steps(): CoreServices['steps'] {
    return this.core.steps;
  }

  now(): Date {
    return this.core.clock.now();
  }

  async person(db: Knex | Knex.Transaction, id: number): Promise<PersonRow> {
    const p = await this.core.people.findById(db, id);
    if (!p) throw new NotFoundError();
    return p;
  }

  /** The principal's (recipient's or ward's) service order, or 404. */
  recipientOrder(db: Knex | Knex.Transaction, actor: Actor, orderId: number): Promise<ServiceOrderView> {
    return this.visibleOrder(db, orderId, (o) => o.recipient_id === actor.principalId);
  }

  /** An order sent to this specialist, or 404 (another specialist's order never shows). */
  specialistOrder(db: Knex | Knex.Transaction, actor: Actor, orderId: number): Promise<ServiceOrderView> {
    return this.visibleOrder(
      db,
      orderId,
      (o) =>
        o.detail.specialist_person_id === actor.personId &&
        SPECIALIST_VISIBLE.includes(o.status as ServiceStatus),
    );
  }

  private async visibleOrder(
    db: Knex | Knex.Transaction,
    orderId: number,
    visible: (o: ServiceOrderView) => boolean,
  ): Promise<ServiceOrderView> {
    const o = await this.serviceOrders.view(db, orderId);
    if (!o || !visible(o)) throw new NotFoundError();
    return o;
  }

  requireSpecialist(actor: Actor): void {
    if (!actor.roles.includes('specialist')) throw new AppError('forbidden', 403);
  }
}

/**
 * A specialist signs for themselves: the principal of their documents is the specialist, even when
 * the same person has a ward selected as a recipient's guardian.
 */
export function asSelf(actor: Actor): Actor {
  return { ...actor, principalId: actor.personId };
}
