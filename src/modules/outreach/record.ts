import type { Queryable } from '../../db/prepared.js';
import type { OutreachRepository } from './repository.js';
import { objectOfKey } from './rules.js';

/**
 * The notifier's hook: a notice for a person with no phone (and no e-mail they chose) is recorded for
 * the local executive body of their region instead of being dropped.
 */
export async function recordUnreachable(
  tx: Queryable,
  repo: OutreachRepository,
  n: {
    personId: number;
    region: string;
    key: string;
    params: Record<string, string | number>;
    idempotencyKey: string;
    at: Date;
  },
): Promise<void> {
  await repo.record(tx, { ...n, object: objectOfKey(n.idempotencyKey) });
}
