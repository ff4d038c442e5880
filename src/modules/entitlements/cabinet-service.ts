import type { CoreServices } from '../index.js';
import { inTransaction } from '../../db/knex.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import type { Locale } from '../../lib/i18n.js';
import { audit } from '../audit/audit.js';
import { type PersonRow } from '../people/people-repository.js';
import { fullName } from '../people/names.js';
import type { OrderKind } from '../orders/orders-repository.js';
import { nameIn } from './help-service.js';
import { principalOf } from './principal.js';
import type {
  EntitlementsRepository,
  PersonContactsRepository,
  PhoneConfirmationsRepository,
} from './repository.js';
import {
  CODE_MAX_ATTEMPTS,
  CODE_TTL_MS,
  CODES_PER_HOUR,
  checkCode,
  generateCode,
  hashCode,
  maskPhone,
  normalisePhone,
  orderCardHref,
  statusNamespace,
} from './rules.js';
import { emailAddress, type OrdersQuery, type ServiceFilter } from './schemas.js';

/** A form-level refusal: the field it concerns and the message key (`entitlements:errors.*`). */
export class FieldError extends AppError {
  constructor(
    public readonly field: string,
    code: string,
    status = 400,
  ) {
    super(code, status);
  }
}

export interface Profile {
  person: PersonRow;
  name: string;
  isSelf: boolean;
  /** a new number waiting for its code (masked), if any */
  pendingPhone: string | null;
}

export interface OrderListRow {
  id: number;
  number: string;
  kind: OrderKind;
  helpType: string;
  helpTypeName: string;
  status: string;
  statusNs: ReturnType<typeof statusNamespace>;
  isOpen: boolean;
  createdAt: Date;
  href: string;
}

export interface OrderList {
  principal: { name: string; isSelf: boolean };
  rows: OrderListRow[];
  total: number;
  page: number;
  pages: number;
  statuses: { kind: OrderKind; status: string; ns: ReturnType<typeof statusNamespace> }[];
}

export const ORDERS_PER_PAGE = 20;

/** «Личный кабинет»: the person's data, contacts, notification preferences and their orders. */
export class CabinetService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: EntitlementsRepository,
    private readonly codes: PhoneConfirmationsRepository,
    private readonly contacts: PersonContactsRepository,
  ) {}

  async profile(actor: Actor): Promise<Profile> {
    const { db, people, clock } = this.core;
    const person = await principalOf(db, people, actor);
    const latest = await this.codes.latest(db, person.id);
    const pending =
      latest &&
      !latest.consumed_at &&
      new Date(latest.expires_at).getTime() > clock.now().getTime() &&
      latest.attempts < CODE_MAX_ATTEMPTS
        ? maskPhone(latest.phone)
        : null;
    return { person, name: fullName(person), isSelf: person.id === actor.personId, pendingPhone: pending };
  }

  /**
   * Starts a phone change: the number must be a Kazakhstan mobile number other than the current one;
   * a six-digit code goes to the NEW number by SMS (through the outbox); only its hash is kept.
   */
  async requestPhoneCode(actor: Actor, rawPhone: string): Promise<{ masked: string }> {
    const { db, people, clock, notifier, config } = this.core;
    const person = await principalOf(db, people, actor);
    if (!rawPhone.trim()) throw new FieldError('phone', 'entitlements:errors.phoneRequired');
    const phone = normalisePhone(rawPhone);
    if (!phone) throw new FieldError('phone', 'entitlements:errors.phoneInvalid');
    if (phone === person.phone) throw new FieldError('phone', 'entitlements:errors.phoneSame');
    const now = clock.now();
    return inTransaction(db, async (tx) => {
      // one person's requests queue up here, so the hourly limit holds under concurrent requests
      await this.contacts.lock(tx, person.id);
      if (
        (await this.codes.countSince(tx, person.id, new Date(now.getTime() - 3600_000))) >= CODES_PER_HOUR
      ) {
        throw new FieldError('phone', 'entitlements:errors.tooManyCodes', 429);
      }
      const row = await this.codes.create(tx, {
        personId: person.id,
        requestedBy: actor.personId,
        phone,
        at: now,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      });
      const code = generateCode();
      await this.codes.setHash(tx, row.id, hashCode(config.SESSION_SECRET, row.id, code));
      await notifier.sendCode(
        tx,
        phone,
        {
          key: 'entitlements:sms.phoneCode',
          params: { code, minutes: CODE_TTL_MS / 60_000 },
          locale: person.locale,
        },
        `phone-code:${row.id}`,
      );
      await audit(tx, {
        actorId: actor.personId,
        principalId: person.id,
        action: 'person.phone_code_sent',
        objectType: 'person',
        objectId: person.id,
        details: { phone: maskPhone(phone) },
      });
      return { masked: maskPhone(phone) };
    });
  }

  /**
   * Confirms the newest code: wrong codes count (five attempts), an expired or used code is refused,
   * and the right one changes the phone and is spent in the same transaction.
   */
  async confirmPhone(actor: Actor, rawCode: string): Promise<{ phone: string }> {
    const { db, people, clock, config } = this.core;
    const person = await principalOf(db, people, actor);
    const code = rawCode.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) throw new FieldError('code', 'entitlements:errors.codeFormat');
    const outcome = await inTransaction(db, async (tx) => {
      const row = await this.codes.lockLatest(tx, person.id);
      if (!row) return { result: 'none' as const };
      const now = clock.now();
      const result = checkCode(row, hashCode(config.SESSION_SECRET, row.id, code), now);
      if (result === 'wrong') {
        const attempts = await this.codes.recordAttempt(tx, row.id);
        return { result: attempts >= CODE_MAX_ATTEMPTS ? ('tooManyAttempts' as const) : ('wrong' as const) };
      }
      if (result !== 'ok') return { result };
      await this.codes.consume(tx, row.id, now);
      await this.contacts.update(tx, person.id, { phone: row.phone });
      await audit(tx, {
        actorId: actor.personId,
        principalId: person.id,
        action: 'person.phone_changed',
        objectType: 'person',
        objectId: person.id,
        details: { phone: maskPhone(row.phone) },
      });
      return { result: 'ok' as const, phone: row.phone };
    });
    switch (outcome.result) {
      case 'ok':
        return { phone: outcome.phone };
      case 'none':
        throw new FieldError('code', 'entitlements:errors.codeNotRequested');
      case 'wrong':
        throw new FieldError('code', 'entitlements:errors.codeWrong');
      case 'expired':
        throw new FieldError('code', 'entitlements:errors.codeExpired');
      case 'used':
        throw new FieldError('code', 'entitlements:errors.codeUsed');
      case 'tooManyAttempts':
        throw new FieldError('code', 'entitlements:errors.codeAttempts', 429);
    }
  }

  /** A new e-mail address (or none); a malformed one is refused with a clear message. */
  async changeEmail(actor: Actor, rawEmail: string): Promise<{ email: string | null }> {
    const { db, people } = this.core;
    const person = await principalOf(db, people, actor);
    const trimmed = rawEmail.trim();
    let email: string | null = null;
    if (trimmed) {
      const parsed = emailAddress.safeParse(trimmed);
      if (!parsed.success) throw new FieldError('email', 'entitlements:errors.emailInvalid');
      email = parsed.data.toLowerCase();
    } else if (person.notify_channel === 'email') {
      throw new FieldError('email', 'entitlements:errors.emailNeededForChannel');
    }
    await inTransaction(db, async (tx) => {
      await this.contacts.update(tx, person.id, { email });
      await audit(tx, {
        actorId: actor.personId,
        principalId: person.id,
        action: 'person.email_changed',
        objectType: 'person',
        objectId: person.id,
      });
    });
    return { email };
  }

  /** How and in which language the portal notifies the person (seed 004: SMS or e-mail, and language). */
  async setPreferences(
    actor: Actor,
    prefs: { notifyChannel: 'sms' | 'email'; locale: Locale },
  ): Promise<void> {
    const { db, people } = this.core;
    const person = await principalOf(db, people, actor);
    if (prefs.notifyChannel === 'email' && !person.email)
      throw new FieldError('notifyChannel', 'entitlements:errors.emailMissing');
    if (prefs.notifyChannel === 'sms' && !person.phone)
      throw new FieldError('notifyChannel', 'entitlements:errors.phoneMissing');
    await inTransaction(db, async (tx) => {
      await this.contacts.update(tx, person.id, {
        notify_channel: prefs.notifyChannel,
        locale: prefs.locale,
      });
      await audit(tx, {
        actorId: actor.personId,
        principalId: person.id,
        action: 'person.preferences_changed',
        objectType: 'person',
        objectId: person.id,
        details: prefs,
      });
    });
  }

  /**
   * «Заказанные услуги» (МСУ and specialist services, filter МСУ / УЖЯ/УИП) or «Заказы товаров»,
   * over the shared orders table, newest first, a page at a time.
   */
  async orders(
    actor: Actor,
    section: 'services' | 'goods',
    q: OrdersQuery,
    lang: Locale,
  ): Promise<OrderList> {
    const { db, people, orders } = this.core;
    const principal = await principalOf(db, people, actor);
    const kinds: OrderKind[] = section === 'goods' ? ['goods'] : filterKinds(q.type || undefined);
    const helpTypes = section === 'services' && q.type === 'specialist' ? ['UZHYA', 'UIP'] : undefined;
    const page = q.page ?? 1;
    const { rows, total } = await orders.listForRecipient(db, principal.id, {
      kinds,
      ...(helpTypes ? { helpTypes } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      limit: ORDERS_PER_PAGE,
      offset: (page - 1) * ORDERS_PER_PAGE,
    });
    const names = await this.repo.helpTypes(db);
    const statuses = await this.repo.orderStatuses(
      db,
      principal.id,
      section === 'goods' ? ['goods'] : ['msu', 'service', 'sanatorium'],
    );
    return {
      principal: { name: fullName(principal), isSelf: principal.id === actor.personId },
      rows: rows.map((o) => {
        const h = names.get(o.help_type);
        return {
          id: o.id,
          number: o.number,
          kind: o.kind,
          helpType: o.help_type,
          helpTypeName: h ? nameIn(h, lang) : o.help_type,
          status: o.status,
          statusNs: statusNamespace(o.kind),
          isOpen: o.is_open,
          createdAt: o.created_at,
          href: orderCardHref(o.kind, o.id),
        };
      }),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / ORDERS_PER_PAGE)),
      statuses: statuses.map((s) => ({ ...s, ns: statusNamespace(s.kind) })),
    };
  }

  /** `GET /cabinet/orders/:number`: the card of one of the principal's own orders; anybody else's is 404. */
  async orderHref(actor: Actor, number: string): Promise<string> {
    const { db, people, orders } = this.core;
    const principal = await principalOf(db, people, actor);
    if (!/^[\w-]{1,32}$/.test(number)) throw new NotFoundError();
    const order = await orders.findByNumber(db, number);
    if (!order || order.recipient_id !== principal.id) throw new NotFoundError();
    return orderCardHref(order.kind, order.id);
  }
}

function filterKinds(type: ServiceFilter | undefined): OrderKind[] {
  if (type === 'msu') return ['msu'];
  if (type === 'specialist') return ['service'];
  return ['msu', 'service', 'sanatorium'];
}
