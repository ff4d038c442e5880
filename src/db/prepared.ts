import type { Knex } from 'knex';
import type pg from 'pg';
import { retryingConflicts } from './knex.js';

/**
 * A named prepared statement: PostgreSQL parses and plans its text once per connection and then only
 * binds and executes it, and node-pg sends the text once per connection too (a quarter of the
 * database's CPU of a hot page was parse and plan of the same few queries). Used on the hot paths
 * where one hand-written statement replaces several knex round trips; knex builds everything else.
 */
export interface Prepared {
  readonly name: string;
  readonly text: string;
}

const names = new Map<string, string>();

/** Declares a statement; a name stands for one text only (two texts under one name would be a bug). */
export function prepared(name: string, text: string): Prepared {
  const known = names.get(name);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared twice`);
  names.set(name, text);
  return { name, text };
}

type Connection = pg.PoolClient & { __knexUid?: string; __knexTxId?: string };

/** The part of knex's client a prepared statement uses: its pool and its 'query' event. */
interface KnexClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(c: pg.PoolClient): Promise<unknown> | unknown;
  emit(event: 'query', obj: object): void;
}

/**
 * A transaction that sends only prepared statements: one pooled connection between BEGIN and COMMIT.
 * knex builds a new knex instance for every transaction (a closure per query method, an event emitter,
 * listeners on its client), which a signed step under load keeps alive long enough to be promoted
 * out of the young generation; a step whose statements are all prepared does without it.
 */
export interface PreparedTx {
  readonly preparedTx: true;
  readonly conn: Connection;
  readonly client: KnexClient;
}

/** Where a prepared statement can run: knex (a pooled connection), knex's transaction, or a PreparedTx. */
export type Queryable = Knex | Knex.Transaction | PreparedTx;

function isPreparedTx(db: Queryable): db is PreparedTx {
  return (db as Partial<PreparedTx>).preparedTx === true;
}

/** knex's 'query' event, as its own queries emit it: logging and statement counts see these too. */
function announce(client: KnexClient, conn: Connection, sql: string, bindings: unknown[]): void {
  client.emit('query', {
    method: 'raw',
    sql,
    bindings,
    __knexUid: conn.__knexUid,
    __knexTxId: conn.__knexTxId,
  });
}

/**
 * Runs a prepared statement on the connection of a transaction, or on a pooled connection of a knex
 * instance (taken and given back around the one statement); rows come back as knex's would.
 */
export async function runPrepared<T>(db: Queryable, stmt: Prepared, values: unknown[]): Promise<T[]> {
  const run = async (client: KnexClient, conn: Connection) => {
    announce(client, conn, stmt.text, values);
    const result = await conn.query<T & pg.QueryResultRow>({ name: stmt.name, text: stmt.text, values });
    return result.rows;
  };
  if (isPreparedTx(db)) return run(db.client, db.conn);
  const client = db.client as KnexClient;
  const conn = await client.acquireConnection();
  try {
    return await run(client, conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

let transactions = 0;

/**
 * Runs fn in a transaction of prepared statements (see PreparedTx) at READ COMMITTED, retrying on
 * serialization failures and deadlocks as inTransaction does. Whatever fn throws rolls it back.
 */
export function inPreparedTransaction<T>(db: Knex, fn: (tx: PreparedTx) => Promise<T>): Promise<T> {
  const client = db.client as KnexClient;
  return retryingConflicts(async () => {
    const conn = await client.acquireConnection();
    conn.__knexTxId = `prepared-${++transactions}`;
    const send = async (sql: string) => {
      announce(client, conn, sql, []);
      await conn.query(sql);
    };
    let open = false;
    try {
      await send('BEGIN');
      open = true;
      const result = await fn({ preparedTx: true, conn, client });
      open = false;
      await send('COMMIT');
      return result;
    } catch (err) {
      // a failed COMMIT has ended the transaction already; a broken connection is dropped by the pool
      if (open) await send('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      delete conn.__knexTxId;
      await client.releaseConnection(conn);
    }
  });
}
