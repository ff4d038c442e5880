import type { Knex } from 'knex';
import type { Queryable } from '../../db/prepared.js';
import { tFor, isLocale, type Locale } from '../../lib/i18n.js';
import type { Clock } from '../../lib/clock.js';
import type { Outbox } from '../outbox/outbox.js';
import { OutreachRepository } from '../outreach/repository.js';
import { recordUnreachable } from '../outreach/record.js';

/**
 * Tells a person something by the channel they chose (SMS or e-mail) in their language, through the
 * outbox of the caller's transaction. The text is the locale key (`ns:key`, default namespace
 * `notifications`) with params. A notice with no channel (no phone in the БМГ and no e-mail chosen)
 * is recorded for the local executive body of the person's region (src/modules/outreach).
 */
/** The columns of `persons` a notice needs. */
export interface NoticeRecipient {
  phone: string | null;
  email: string | null;
  notify_channel: 'sms' | 'email';
  locale: string;
  region: string;
}

export class Notifier {
  private readonly outreach = new OutreachRepository();

  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async notify(
    tx: Knex | Knex.Transaction,
    personId: number,
    key: string,
    params: Record<string, string | number>,
    idempotencyKey: string,
    opts: { forceSms?: boolean } = {},
  ): Promise<void> {
    const p = (await tx('persons')
      .where({ id: personId })
      .first('phone', 'email', 'notify_channel', 'locale', 'region')) as NoticeRecipient | undefined;
    if (!p) return;
    await this.notifyRecipient(tx, { ...p, id: personId }, key, params, idempotencyKey, opts);
  }

  /** notify() for a person the caller has already read in its transaction (no second read). */
  async notifyRecipient(
    tx: Queryable,
    p: NoticeRecipient & { id: number },
    key: string,
    params: Record<string, string | number>,
    idempotencyKey: string,
    opts: { forceSms?: boolean } = {},
  ): Promise<void> {
    const personId = p.id;
    const lang: Locale = isLocale(p.locale) ? p.locale : 'ru';
    const t = tFor(lang);
    const text = t(key.includes(':') ? key : `notifications:${key}`, params);
    if (!opts.forceSms && p.notify_channel === 'email' && p.email) {
      await this.outbox.enqueue(tx, {
        system: 'email',
        topic: key,
        idempotencyKey: `email:${idempotencyKey}`,
        payload: { to: p.email, subject: t('notifications:subject'), text },
      });
      return;
    }
    if (p.phone) {
      await this.outbox.enqueue(tx, {
        system: 'sms',
        topic: key,
        idempotencyKey: `sms:${idempotencyKey}`,
        payload: { phone: p.phone, text },
      });
      return;
    }
    // rules, item 9: no phone in the БМГ — the local executive body tells the person by other means
    await recordUnreachable(tx, this.outreach, {
      personId,
      region: p.region,
      key: key.includes(':') ? key : `notifications:${key}`,
      params,
      idempotencyKey,
      at: this.clock.now(),
    });
  }

  /**
   * One-time codes always go by SMS to the phone given (they confirm that phone or the hours). The
   * text is given, or a locale key with its params in the person's language.
   */
  async sendCode(
    tx: Knex | Knex.Transaction,
    phone: string,
    message: string | { key: string; params: Record<string, string | number>; locale: string },
    idempotencyKey: string,
  ): Promise<void> {
    const text =
      typeof message === 'string'
        ? message
        : tFor(isLocale(message.locale) ? message.locale : 'ru')(message.key, message.params);
    await this.outbox.enqueue(tx, {
      system: 'sms',
      topic: 'code',
      idempotencyKey: `sms:${idempotencyKey}`,
      payload: { phone, text },
    });
  }
}
