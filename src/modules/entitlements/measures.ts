import type { Knex } from 'knex';
import { AppError, ConflictError } from '../../lib/errors.js';

export interface MeasureRow {
  id: number;
  external_id: string;
  ipr_id: number;
  person_id: number;
  help_type: string;
  volume: number;
  used_volume: number;
  deadline: string | null;
  status: 'open' | 'choice_blocked' | 'activation_pending' | 'fulfilled' | 'closed';
  notified_at: Date | null;
  choice_blocked_at: Date | null;
  activation_requested_at: Date | null;
  revision: number;
  received_at: Date;
  updated_at: Date;
}

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
  const measure = (await tx('ipr_measures')
    .where({ person_id: recipientId, help_type: helpType })
    .whereIn('status', ['open', 'choice_blocked', 'activation_pending', 'fulfilled'])
    .orderBy('id', 'desc')
    .forUpdate()
    .first()) as MeasureRow | undefined;
  if (!measure) throw new AppError('entitlements:errors.noMeasure', 409);
  if (measure.status === 'choice_blocked') throw new AppError('entitlements:errors.choiceBlocked', 409);
  if (measure.status === 'activation_pending')
    throw new AppError('entitlements:errors.activationPending', 409);
  if (measure.status === 'fulfilled' || measure.used_volume >= measure.volume)
    throw new AppError('entitlements:errors.volumeExhausted', 409);
  if (measure.deadline && measure.deadline < today)
    throw new AppError('entitlements:errors.deadlinePassed', 409);
  const open = await tx('orders')
    .where({ recipient_id: recipientId, help_type: helpType, is_open: true })
    .first('id');
  if (open) throw new ConflictError('one_open_order_per_help_type');
  return measure;
}

/**
 * Uses part of a measure's volume (hours given, items handed over). Never beyond the volume: the
 * update is conditional and the table has a CHECK. Marks the measure fulfilled when nothing remains.
 */
export async function consumeVolume(
  tx: Knex.Transaction,
  measureId: number,
  amount: number,
): Promise<{ remaining: number; fulfilled: boolean }> {
  if (!Number.isInteger(amount) || amount <= 0) throw new AppError('validation', 400);
  const rows = (await tx('ipr_measures')
    .where({ id: measureId })
    .andWhereRaw('used_volume + ? <= volume', [amount])
    .update({
      used_volume: tx.raw('used_volume + ?', [amount]),
      status: tx.raw(`case when used_volume + ? >= volume then 'fulfilled' else status end`, [amount]),
      updated_at: tx.fn.now(),
    })
    .returning(['volume', 'used_volume'])) as { volume: number; used_volume: number }[];
  const row = rows[0];
  if (!row) throw new AppError('entitlements:errors.volumeExceeded', 409);
  const remaining = row.volume - row.used_volume;
  return { remaining, fulfilled: remaining === 0 };
}
