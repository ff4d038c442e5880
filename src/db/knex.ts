import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// bigint counts and numeric sums come back as strings by default; our ids and money fit in JS numbers
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// dates (not timestamps) stay as 'YYYY-MM-DD' strings: business dates are calendar dates in Astana
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function createKnex(connectionString: string, poolMax = 10): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'portal' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

export type Db = Knex;
export type Tx = Knex.Transaction;
export type DbOrTx = Knex | Knex.Transaction;

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';

/**
 * Runs attempt again when the database gave up on it for a serialization failure or a deadlock (the
 * database settles concurrency; we only retry what it tells us to), with a short random pause.
 */
export async function retryingConflicts<T>(attempt: () => Promise<T>, retries = 5): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code === SERIALIZATION_FAILURE || code === DEADLOCK) && n < retries) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (n + 1)));
        continue;
      }
      throw err;
    }
  }
}

/** Runs fn in a transaction, retrying on serialization failures and deadlocks. */
export async function inTransaction<T>(
  db: Knex,
  fn: (tx: Knex.Transaction) => Promise<T>,
  opts: { isolationLevel?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number } = {},
): Promise<T> {
  return retryingConflicts(
    () => db.transaction(fn, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined),
    opts.retries ?? 5,
  );
}
