import type { Knex } from 'knex';
import type pg from 'pg';

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

/**
 * Runs a prepared statement on the connection of a transaction, or on a pooled connection of a knex
 * instance (taken and given back around the one statement); rows come back as knex's would.
 */
export async function runPrepared<T>(
  db: Knex | Knex.Transaction,
  stmt: Prepared,
  values: unknown[],
): Promise<T[]> {
  const client = db.client as {
    acquireConnection(): Promise<pg.PoolClient & { __knexUid?: string; __knexTxId?: string }>;
    releaseConnection(c: pg.PoolClient): Promise<unknown> | unknown;
    emit(event: 'query', obj: object): void;
  };
  const conn = await client.acquireConnection();
  try {
    // knex's 'query' event, as its own queries emit it: logging and statement counts see this one too
    client.emit('query', {
      method: 'raw',
      sql: stmt.text,
      bindings: values,
      __knexUid: conn.__knexUid,
      __knexTxId: conn.__knexTxId,
    });
    const result = await conn.query<T & pg.QueryResultRow>({ name: stmt.name, text: stmt.text, values });
    return result.rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
