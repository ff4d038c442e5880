import type { Knex } from 'knex';

/** A row of a table by its id. */
export async function rowById<T>(
  db: Knex | Knex.Transaction,
  table: string,
  id: number,
): Promise<T | undefined> {
  return (await db(table).where({ id }).first()) as T | undefined;
}

/** A row of a table by its id, locked until the transaction ends. */
export async function lockRowById<T>(
  tx: Knex.Transaction,
  table: string,
  id: number,
): Promise<T | undefined> {
  return (await tx(table).where({ id }).forUpdate().first()) as T | undefined;
}
