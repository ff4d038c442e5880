import type { Knex } from 'knex';
import { NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { auditAction } from '../audit/audit.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';
import type { DevInbox, DevMailbox } from '../dev-stand-port.js';
import type { ExchangeRepository } from './exchange-repository.js';

export const OUTBOX_STATES = ['pending', 'delivered', 'failed'] as const;
export const OUTBOX_SYSTEMS = ['esobes', 'sms', 'email'] as const;

export type { DevInbox } from '../dev-stand-port.js';

/** The exchange monitor: the outbox with its state and errors, retries, and the dev stand's mailboxes. */
export class ExchangeService {
  constructor(
    private readonly db: Knex,
    private readonly repo: ExchangeRepository,
    private readonly outbox: Outbox,
    /** the dev stand's mailbox; none in production */
    private readonly devMailbox: DevMailbox | null,
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
    return { rows, counts: await this.repo.countsByState(this.db) };
  }

  /** Sends a failed or pending message again at once; audited. */
  async retry(actor: Actor, id: number): Promise<void> {
    const ok = await this.outbox.retry(id);
    if (!ok) throw new NotFoundError();
    await auditAction(this.db, actor, 'outbox.retry', ['outbox', id]);
  }

  /** What the dev stand's adapters received (absent in production, where real systems receive it). */
  async devInbox(): Promise<DevInbox | null> {
    return this.devMailbox ? this.devMailbox.inbox() : null;
  }
}
