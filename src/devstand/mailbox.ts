import type { Knex } from 'knex';
import type { DevInbox, DevMailbox, DevSmsRow } from '../modules/dev-stand-port.js';

/** What the dev adapters "sent" (the dev_sms, dev_email and dev_esobes_inbox tables). */
export class DbDevMailbox implements DevMailbox {
  constructor(private readonly db: Knex) {}

  async sms(phone = '', limit = 100): Promise<DevSmsRow[]> {
    const q = this.db('dev_sms').orderBy('id', 'desc').limit(limit);
    if (phone) q.where({ phone });
    return (await q) as DevSmsRow[];
  }

  async inbox(): Promise<DevInbox> {
    const [esobes, sms, email] = await Promise.all([
      this.db('dev_esobes_inbox').orderBy('id', 'desc').limit(30),
      this.db('dev_sms').orderBy('id', 'desc').limit(30).select('id', 'phone', 'text', 'sent_at'),
      this.db('dev_email').orderBy('id', 'desc').limit(30).select('id', 'to', 'subject', 'text', 'sent_at'),
    ]);
    return { esobes, sms, email } as DevInbox;
  }
}
