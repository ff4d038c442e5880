import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import { astanaDate } from '../../lib/clock.js';
import { assertCanOrder, consumeVolume, type MeasureRow } from './measures.js';

export type { MeasureRow } from './measures.js';

/** Recipient cabinet, IPR import, «Помощь для вас», the two-month supplier window. */
export function createEntitlementsModule(core: CoreServices) {
  return {
    /** Every order module calls this in its creating transaction (one open order per help type). */
    assertCanOrder: (tx: Knex.Transaction, recipientId: number, helpType: string): Promise<MeasureRow> =>
      assertCanOrder(tx, recipientId, helpType, astanaDate(core.clock.now())),
    consumeVolume,
  };
}

export type EntitlementsModule = ReturnType<typeof createEntitlementsModule>;
