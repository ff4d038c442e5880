import type { Knex } from 'knex';

export interface DevSmsRow {
  id: number;
  phone: string;
  text: string;
  sent_at: Date;
}

/** What the dev-stand SMS gateway "sent" (the dev_sms table), newest first, optionally for one phone. */
export class DevMailbox {
  constructor(private readonly db: Knex) {}

  async sms(phone = '', limit = 100): Promise<DevSmsRow[]> {
    const q = this.db('dev_sms').orderBy('id', 'desc').limit(limit);
    if (phone) q.where({ phone });
    return (await q) as DevSmsRow[];
  }
}
