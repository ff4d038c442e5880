import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface DevInbox {
  esobes: {
    id: number;
    topic: string;
    idempotency_key: string;
    payload: Record<string, unknown>;
    received_at: Date;
  }[];
  sms: { id: number; phone: string; text: string; sent_at: Date }[];
  email: { id: number; to: string; subject: string; text: string; sent_at: Date }[];
}

/** What the exchange monitor reads besides the outbox's own list: counts per state and the dev mailboxes. */
export class ExchangeRepository {
  async countsByState(db: Db): Promise<Record<string, number>> {
    const counts = (await db('outbox')
      .select('state')
      .count<{ state: string; count: number }[]>('* as count')
      .groupBy('state')) as { state: string; count: number }[];
    return Object.fromEntries(counts.map((c) => [c.state, Number(c.count)]));
  }

  /** The newest of what the dev stand's adapters received (those tables exist on the dev stand only). */
  async devInbox(db: Db, limit: number): Promise<DevInbox> {
    const [esobes, sms, email] = await Promise.all([
      db('dev_esobes_inbox').orderBy('id', 'desc').limit(limit),
      db('dev_sms').orderBy('id', 'desc').limit(limit).select('id', 'phone', 'text', 'sent_at'),
      db('dev_email').orderBy('id', 'desc').limit(limit).select('id', 'to', 'subject', 'text', 'sent_at'),
    ]);
    return { esobes, sms, email } as DevInbox;
  }
}
