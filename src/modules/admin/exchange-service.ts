import type { Knex } from 'knex';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { audit } from '../audit/audit.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';

export const OUTBOX_STATES = ['pending', 'delivered', 'failed'] as const;
export const OUTBOX_SYSTEMS = ['esobes', 'sms', 'email'] as const;

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

/** The exchange monitor: the outbox with its state and errors, retries, and the dev stand's mailboxes. */
export class ExchangeService {
  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
    private readonly config: Config,
  ) {}

  async messages(filter: {
    state?: string;
    system?: string;
    page?: number;
  }): Promise<{ rows: OutboxRow[]; counts: Record<string, number> }> {
    const page = Math.max(1, filter.page ?? 1);
    const rows = await this.outbox.list({
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.system ? { system: filter.system } : {}),
      limit: 50,
      offset: (page - 1) * 50,
    });
    const counts = (await this.db('outbox')
      .select('state')
      .count<{ state: string; count: number }[]>('* as count')
      .groupBy('state')) as {
      state: string;
      count: number;
    }[];
    return { rows, counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.count)])) };
  }

  /** Sends a failed or pending message again at once; audited. */
  async retry(actor: Actor, id: number): Promise<void> {
    const ok = await this.outbox.retry(id);
    if (!ok) throw new NotFoundError();
    await audit(this.db, {
      actorId: actor.personId,
      action: 'outbox.retry',
      objectType: 'outbox',
      objectId: id,
    });
  }

  /** What the dev stand's adapters received (absent in production, where real systems receive it). */
  async devInbox(): Promise<DevInbox | null> {
    if (this.config.isProduction) return null;
    const [esobes, sms, email] = await Promise.all([
      this.db('dev_esobes_inbox').orderBy('id', 'desc').limit(30),
      this.db('dev_sms').orderBy('id', 'desc').limit(30).select('id', 'phone', 'text', 'sent_at'),
      this.db('dev_email').orderBy('id', 'desc').limit(30).select('id', 'to', 'subject', 'text', 'sent_at'),
    ]);
    return { esobes, sms, email } as DevInbox;
  }
}
