import type { Knex } from 'knex';
import { AppError, ConflictError } from '../../lib/errors.js';
import { EntitlementsRepository, type MeasureRow } from './repository.js';

export type { MeasureRow } from './repository.js';
/** The live measure's statement of assertCanOrder, to be read with a caller's other rows in one statement. */
export { LIVE_MEASURE_SQL } from './repository.js';

const repo = new EntitlementsRepository();

/**
 * The one rule every order module calls before creating an order: the recipient has an open measure
 * of this help type, supplier choice is not blocked, volume remains, and no other order of this help
 * type is open. Locks the measure row (concurrent creations for one person queue up here; the unique
 * index on open orders is the last line).
 */
export async function assertCanOrder(
  tx: Knex.Transaction,
  recipientId: number,
  helpType: string,
  today: string,
): Promise<MeasureRow> {
  const measure = await repo.lockLiveMeasure(tx, recipientId, helpType);
  return checkMeasure(measure, await repo.hasOpenOrder(tx, recipientId, helpType), today);
}

/**
 * The rule of assertCanOrder on rows a caller has read itself (the live measure locked FOR UPDATE in
 * its transaction, and whether an order of the help type is open), e.g. in one statement with the
 * other rows a signed creation needs.
 */
export function checkMeasure(measure: MeasureRow | undefined, openOrder: boolean, today: string): MeasureRow {
  if (!measure) throw new AppError('entitlements:errors.noMeasure', 409);
  if (measure.status === 'choice_blocked') throw new AppError('entitlements:errors.choiceBlocked', 409);
  if (measure.status === 'activation_pending')
    throw new AppError('entitlements:errors.activationPending', 409);
  if (measure.status === 'fulfilled' || measure.used_volume >= measure.volume)
    throw new AppError('entitlements:errors.volumeExhausted', 409);
  if (measure.deadline && measure.deadline < today)
    throw new AppError('entitlements:errors.deadlinePassed', 409);
  if (openOrder) throw new ConflictError('one_open_order_per_help_type');
  return measure;
}

/**
 * Uses part of a measure's volume (hours given, items handed over). Never beyond the volume: the
 * update is conditional and the table has a CHECK. The measure is exhausted (fulfilled) when nothing
 * remains.
 */
export async function consumeVolume(
  tx: Knex.Transaction,
  measureId: number,
  amount: number,
): Promise<{ remaining: number; fulfilled: boolean }> {
  if (!Number.isInteger(amount) || amount <= 0) throw new AppError('validation', 400);
  const row = await repo.useVolume(tx, measureId, amount);
  if (!row) throw new AppError('entitlements:errors.volumeExceeded', 409);
  const remaining = row.volume - row.used_volume;
  return { remaining, fulfilled: remaining === 0 };
}
