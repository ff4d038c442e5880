import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** What the exchange monitor reads besides the outbox's own list: counts per state. */
export class ExchangeRepository {
  async countsByState(db: Db): Promise<Record<string, number>> {
    const counts = (await db('outbox')
      .select('state')
      .count<{ state: string; count: number }[]>('* as count')
      .groupBy('state')) as { state: string; count: number }[];
    return Object.fromEntries(counts.map((c) => [c.state, Number(c.count)]));
  }
}
