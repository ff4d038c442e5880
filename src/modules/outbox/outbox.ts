import type { Knex } from 'knex';
import { prepared, runPrepared, type Queryable } from '../../db/prepared.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../logger.js';
import type { Integrations } from '../../integrations/index.js';

/** a message into the outbox, once per idempotency key: every signed step writes one (prepared) */
const ENQUEUE = prepared(
  'outbox.enqueue',
  `insert into outbox (system, topic, idempotency_key, payload, next_attempt_at)
   values ($1, $2, $3, $4, $5)
   on conflict (idempotency_key) do nothing`,
);

export type OutboxSystem = 'esobes' | 'sms' | 'email';

export interface OutboxMessage {
  system: OutboxSystem;
  topic: string;
  /** the same key twice is one message: writers pick a key that names the fact (e.g. order:42:fulfilled) */
  idempotencyKey: string;
  payload: Record<string, unknown>;
}

export interface OutboxRow {
  id: number;
  system: OutboxSystem;
  topic: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export const MAX_ATTEMPTS = 8;

/** Writes messages in the caller's transaction; a delivery loop sends them with retries. */
export class Outbox {
  constructor(
    private readonly db: Knex,
    private readonly integrations: Integrations,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async enqueue(tx: Queryable, msg: OutboxMessage): Promise<void> {
    await runPrepared(tx, ENQUEUE, [
      msg.system,
      msg.topic,
      msg.idempotencyKey,
      JSON.stringify(msg.payload),
      this.clock.now(),
    ]);
  }

  private async send(row: OutboxRow): Promise<void> {
    const p = row.payload;
    switch (row.system) {
      case 'sms':
        return this.integrations.sms.send({
          phone: String(p.phone),
          text: String(p.text),
          idempotencyKey: row.idempotency_key,
        });
      case 'email':
        return this.integrations.email.send({
          to: String(p.to),
          subject: String(p.subject),
          text: String(p.text),
          idempotencyKey: row.idempotency_key,
        });
      case 'esobes':
        return this.integrations.esobes.deliver({
          topic: row.topic,
          idempotencyKey: row.idempotency_key,
          payload: p,
        });
    }
  }

  /** Delivers due messages; safe with several instances (rows are locked with SKIP LOCKED). */
  async deliverDue(limit = 50): Promise<number> {
    let delivered = 0;
    for (let i = 0; i < limit; i++) {
      const done = await this.db.transaction(async (tx) => {
        const row = (await tx('outbox')
          .where({ state: 'pending' })
          .andWhere('next_attempt_at', '<=', this.clock.now())
          .orderBy('id')
          .forUpdate()
          .skipLocked()
          .first()) as OutboxRow | undefined;
        if (!row) return null;
        try {
          await this.send(row);
          await tx('outbox')
            .where({ id: row.id })
            .update({
              state: 'delivered',
              attempts: row.attempts + 1,
              delivered_at: this.clock.now(),
              last_error: null,
            });
          return true;
        } catch (err) {
          const attempts = row.attempts + 1;
          const backoffMs = Math.min(60 * 60_000, 2 ** attempts * 1000);
          this.logger.warn(
            { outboxId: row.id, system: row.system, attempts, err: String(err) },
            'outbox delivery failed',
          );
          await tx('outbox')
            .where({ id: row.id })
            .update({
              attempts,
              state: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
              last_error: String(err instanceof Error ? err.message : err).slice(0, 2000),
              next_attempt_at: new Date(this.clock.now().getTime() + backoffMs),
            });
          return false;
        }
      });
      if (done === null) break;
      if (done) delivered++;
    }
    return delivered;
  }

  async retry(id: number): Promise<boolean> {
    const n = await this.db('outbox')
      .where({ id })
      .whereNot({ state: 'delivered' })
      .update({ state: 'pending', next_attempt_at: this.clock.now() });
    return n > 0;
  }

  async list(
    filter: { state?: string; system?: string; limit?: number; offset?: number } = {},
  ): Promise<OutboxRow[]> {
    const q = this.db('outbox')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0);
    if (filter.state) q.where({ state: filter.state });
    if (filter.system) q.where({ system: filter.system });
    return (await q) as OutboxRow[];
  }
}
