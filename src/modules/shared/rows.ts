/** Row access by id shared by the repositories: plain and locked reads, and writes stamped with who and when. */
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** The row of `table` with this id; undefined when there is none. */
export async function rowById<R>(db: Db, table: string, id: number): Promise<R | undefined> {
  return (await db(table).where({ id }).first()) as R | undefined;
}

/** The row of `table` with this id, locked until the transaction ends; undefined when there is none. */
export async function lockRowById<R>(
  tx: Knex.Transaction,
  table: string,
  id: number,
): Promise<R | undefined> {
  return (await tx(table).where({ id }).forUpdate().first()) as R | undefined;
}

/** Inserts a row stamped as created and last changed by `by` at `at`. */
export async function insertStamped<R>(
  tx: Knex.Transaction,
  table: string,
  values: object,
  by: number,
  at: Date,
): Promise<R> {
  const [row] = (await tx(table)
    .insert({ ...values, created_by: by, updated_by: by, created_at: at, updated_at: at })
    .returning('*')) as R[];
  return row!;
}

/** Changes the row with this id, stamped as last changed by `by` at `at`; undefined when there is none. */
export async function updateStamped<R>(
  tx: Knex.Transaction,
  table: string,
  id: number,
  values: object,
  by: number,
  at: Date,
): Promise<R | undefined> {
  const [row] = (await tx(table)
    .where({ id })
    .update({ ...values, updated_by: by, updated_at: at })
    .returning('*')) as R[];
  return row;
}

/** A repository whose aggregate is one table's row: read and lock it by id. */
export class RowsById<R> {
  constructor(private readonly table: string) {}

  async find(db: Db, id: number): Promise<R | undefined> {
    return rowById<R>(db, this.table, id);
  }

  async lock(tx: Knex.Transaction, id: number): Promise<R | undefined> {
    return lockRowById<R>(tx, this.table, id);
  }
}
