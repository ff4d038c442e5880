import type { Knex } from 'knex';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import { sameHash } from '../entitlements/rules.js';
import { personText } from './texts.js';
import type { AreaContext } from './context.js';
import { assignedSpecialist } from './repository.js';
import type { EntryRow, EntryView, ServiceOrderView } from './repository.js';
import type { ServiceOrderService } from './order-service.js';
import {
  CODES_PER_HOUR,
  CODE_TTL_MINUTES,
  MAX_CODE_ATTEMPTS,
  MAX_HOURS_PER_DAY,
  codeStateProblem,
  entryDayProblem,
  generateCode,
  hashCode,
  hoursProblem,
  endOfPreviousMonth,
  periodOf,
  journalOpen,
  serviceMachine,
  specialistCancelOpen,
  type ServiceStatus,
} from './rules.js';
import type { EntryInput } from './schemas.js';

export interface ConfirmedEntry {
  entry: EntryRow;
  completed: boolean;
  remaining: number;
}

/**
 * «Журнал учета оказания услуг» (seed 001 items 9–12): an entry for a day between the confirmation
 * and today, confirmed by the code the recipient receives by SMS; no more than 8 hours a day for the
 * specialist and for the recipient across all services; never beyond the remaining volume; the order
 * closes «Выполнен» when the volume is used up.
 */
export class JournalService {
  constructor(
    private readonly c: AreaContext,
    private readonly orders: ServiceOrderService,
  ) {}

  private today(): string {
    return astanaDate(this.c.now());
  }

  /** The journal page: entries (searchable by period and order) and the orders one may add to. */
  async journal(actor: Actor, f: { order?: number; from?: string; to?: string }) {
    this.c.requireSpecialist(actor);
    const orders = await this.c.serviceOrders.executedBySpecialist(this.c.db, actor.personId);
    const order = f.order ? orders.find((o) => o.id === f.order) : undefined;
    if (f.order && !order) throw new NotFoundError();
    const entries = await this.c.journal.entries(this.c.db, {
      specialistPersonId: actor.personId,
      ...(order ? { orderId: order.id } : {}),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
    });
    const totalHours = entries.reduce((s, e) => s + e.hours, 0);
    const monthLocked = order
      ? Boolean(await this.c.acts.lockingAct(this.c.db, order.id, periodOf(this.today())))
      : false;
    return {
      orders,
      order: order ?? null,
      entries,
      totalHours,
      monthLocked,
      canAdd: order
        ? journalOpen(order.status, order.detail.joint_work_ended) &&
          (await this.openDays(this.c.db, order)) !== null
        : false,
      canCancel: order ? specialistCancelOpen(order.status, order.detail.joint_work_ended) : false,
      remaining: order ? await this.remaining(this.c.db, order) : null,
    };
  }

  private async remaining(db: Knex | Knex.Transaction, o: ServiceOrderView): Promise<number> {
    if (!o.measure_id) return 0;
    const m = (await db('ipr_measures').where({ id: o.measure_id }).first('volume', 'used_volume')) as
      { volume: number; used_volume: number } | undefined;
    return m ? m.volume - m.used_volume : 0;
  }

  private async openOrder(
    db: Knex | Knex.Transaction,
    actor: Actor,
    orderId: number,
  ): Promise<ServiceOrderView> {
    this.c.requireSpecialist(actor);
    const order = await this.c.specialistOrder(db, actor, orderId);
    if (order.status !== 'in_progress') throw new AppError('services:errors.orderNotInProgress', 409);
    if (order.detail.joint_work_ended) throw new AppError('services:errors.jointWorkEnded', 409);
    return order;
  }

  /**
   * The days an entry may still be written for: from the confirmation to today, or, once this month's
   * act is sent, to the end of the month before when that month is still open; null when no day is.
   */
  private async openDays(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
  ): Promise<{ minDay: string; maxDay: string } | null> {
    const today = this.today();
    const minDay = order.detail.confirmed_on ?? today;
    if (!(await this.c.acts.lockingAct(db, order.id, periodOf(today)))) return { minDay, maxDay: today };
    const maxDay = endOfPreviousMonth(today);
    if (maxDay < minDay || (await this.c.acts.lockingAct(db, order.id, periodOf(maxDay)))) return null;
    return { minDay, maxDay };
  }

  /**
   * «Добавить запись в журнал»: the form's bounds and whether the current month is already closed by an
   * act. When no day is open any more the page offers no form (`days` null), only the seed's message.
   */
  async entryForm(actor: Actor, orderId: number) {
    const order = await this.openOrder(this.c.db, actor, orderId);
    const today = this.today();
    const days = await this.openDays(this.c.db, order);
    return {
      order,
      today,
      days,
      minDay: days?.minDay ?? today,
      maxDay: days?.maxDay ?? today,
      monthLocked: Boolean(await this.c.acts.lockingAct(this.c.db, order.id, periodOf(today))),
      remaining: await this.remaining(this.c.db, order),
      maxHours: MAX_HOURS_PER_DAY,
    };
  }

  /** Checks an entry against every rule a user can fix in the form (ValidationError with field keys). */
  private async check(
    db: Knex | Knex.Transaction,
    order: ServiceOrderView,
    input: EntryInput,
  ): Promise<void> {
    const fields: Record<string, string> = {};
    const dayProblem = entryDayProblem(input.day, order.detail.confirmed_on, this.today());
    if (dayProblem) fields.day = `services:errors.day.${dayProblem}`;
    else if (await this.c.acts.lockingAct(db, order.id, periodOf(input.day)))
      fields.day = 'services:errors.monthLocked';
    if (order.help_type === 'UZHYA' && !input.format) fields.format = 'services:errors.formatRequired';
    if (order.help_type === 'UIP') {
      if (!input.objectsKk) fields.objectsKk = 'services:errors.objectsKkRequired';
      if (!input.objectsRu) fields.objectsRu = 'services:errors.objectsRuRequired';
    }
    if (!fields.day) {
      const problem = hoursProblem(input.hours, {
        specialistDay: await this.c.journal.dayHours(
          db,
          assignedSpecialist(order.detail),
          'specialist',
          input.day,
        ),
        recipientDay: await this.c.journal.dayHours(db, order.recipient_id, 'recipient', input.day),
        remainingVolume: await this.remaining(db, order),
      });
      if (problem) fields.hours = `services:errors.hours.${problem}`;
    }
    if (Object.keys(fields).length) throw new ValidationError(fields);
  }

  /**
   * «Сохранить записи услуги»: checks the entry, keeps it pending and sends the recipient a code for
   * the hours by SMS (through the outbox). Returns the pending code's id.
   */
  async requestCode(actor: Actor, input: EntryInput): Promise<number> {
    const order = await this.openOrder(this.c.db, actor, input.order);
    await this.check(this.c.db, order, input);
    return inTransaction(this.c.db, async (tx) => {
      const locked = await this.c.core.orders.lock(tx, order.id);
      if (locked.status !== 'in_progress') throw new AppError('services:errors.orderNotInProgress', 409);
      const now = this.c.now();
      // the order's row lock makes the hourly limit hold under concurrent requests
      if (
        (await this.c.journal.codesSince(tx, order.id, new Date(now.getTime() - 3600_000))) >= CODES_PER_HOUR
      )
        throw new AppError('services:errors.tooManyCodes', 429, { count: CODES_PER_HOUR });
      await this.c.journal.supersedePending(tx, order.id);
      const row = await this.c.journal.insertCode(tx, {
        order_id: order.id,
        specialist_person_id: actor.personId,
        day: input.day,
        hours: input.hours,
        format: order.help_type === 'UZHYA' ? (input.format ?? null) : null,
        objects_kk: order.help_type === 'UIP' ? input.objectsKk || null : null,
        objects_ru: order.help_type === 'UIP' ? input.objectsRu || null : null,
        expires_at: new Date(now.getTime() + CODE_TTL_MINUTES * 60_000),
        created_at: now,
      });
      const code = generateCode();
      await this.c.journal.setCodeHash(tx, row.id, hashCode(this.c.core.config.SESSION_SECRET, row.id, code));
      const recipient = await this.c.person(tx, order.recipient_id);
      const phone = order.detail.phone || recipient.phone;
      if (!phone) throw new AppError('services:errors.noRecipientPhone', 409);
      const text = personText(recipient.locale, 'services:sms.hoursCode', {
        code,
        hours: input.hours,
        date: input.day.split('-').reverse().join('.'),
        specialist: order.specialist_name,
        minutes: CODE_TTL_MINUTES,
      });
      await this.c.core.notifier.sendCode(tx, phone, text, `service-hours-code:${row.id}`);
      await audit(tx, {
        actorId: actor.personId,
        principalId: order.recipient_id,
        action: 'service-journal.code-sent',
        objectType: 'order',
        objectId: order.id,
        details: { codeId: row.id, day: input.day, hours: input.hours },
      });
      return row.id;
    });
  }

  /** The page where the specialist types the code the recipient passed on. */
  async codePage(actor: Actor, codeId: number) {
    this.c.requireSpecialist(actor);
    const code = await this.c.journal.code(this.c.db, codeId);
    if (!code || code.specialist_person_id !== actor.personId) throw new NotFoundError();
    const order = await this.c.specialistOrder(this.c.db, actor, code.order_id);
    const problem = codeStateProblem(code, this.c.now());
    const phone = order.detail.phone ?? '';
    return {
      code: {
        id: code.id,
        day: code.day,
        hours: code.hours,
        format: code.format,
        objects_kk: code.objects_kk,
        objects_ru: code.objects_ru,
        expires_at: code.expires_at,
        attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - code.attempts),
      },
      order,
      problem,
      phoneMasked: phone.length > 4 ? `${phone.slice(0, 2)}*******${phone.slice(-2)}` : '',
    };
  }

  /**
   * The code typed by the specialist. A wrong code counts an attempt (committed); the right one saves
   * the entry: the month must be open, both day counters must stay within 8 hours (settled by the
   * counter rows under concurrency), the volume must suffice; when nothing remains the order is
   * «Выполнен» and Е-Собес is told through the outbox.
   */
  async confirmCode(actor: Actor, codeId: number, typed: string): Promise<ConfirmedEntry> {
    this.c.requireSpecialist(actor);
    const pre = await this.c.journal.code(this.c.db, codeId);
    if (!pre || pre.specialist_person_id !== actor.personId) throw new NotFoundError();
    const outcome = await inTransaction(
      this.c.db,
      async (tx): Promise<ConfirmedEntry | { error: string; left?: number }> => {
        const view = await this.c.specialistOrder(tx, actor, pre.order_id);
        const order = await this.c.core.orders.lock(tx, pre.order_id);
        const code = (await this.c.journal.lockCode(tx, codeId))!;
        const now = this.c.now();
        const problem = codeStateProblem(code, now);
        if (problem) return { error: problem };
        if (!sameHash(hashCode(this.c.core.config.SESSION_SECRET, code.id, typed), code.code_hash)) {
          const attempts = code.attempts + 1;
          await this.c.journal.updateCode(tx, code.id, {
            attempts,
            state: attempts >= MAX_CODE_ATTEMPTS ? 'blocked' : 'pending',
          });
          return attempts >= MAX_CODE_ATTEMPTS
            ? { error: 'blocked' }
            : { error: 'wrong', left: MAX_CODE_ATTEMPTS - attempts };
        }
        if (order.status !== 'in_progress') throw new AppError('services:errors.orderNotInProgress', 409);
        const detail = (await this.c.serviceOrders.detail(tx, order.id))!;
        if (detail.joint_work_ended) throw new AppError('services:errors.jointWorkEnded', 409);
        const dayProblem = entryDayProblem(code.day, detail.confirmed_on, astanaDate(now));
        if (dayProblem) throw new AppError(`services:errors.day.${dayProblem}`, 409);
        if (await this.c.acts.lockingAct(tx, order.id, periodOf(code.day)))
          throw new AppError('services:errors.monthLocked', 409);
        const s = await this.c.journal.addDayHours(
          tx,
          assignedSpecialist(detail),
          'specialist',
          code.day,
          code.hours,
          MAX_HOURS_PER_DAY,
        );
        if (s === null) throw new AppError('services:errors.hours.specialistDay', 409);
        const r = await this.c.journal.addDayHours(
          tx,
          order.recipient_id,
          'recipient',
          code.day,
          code.hours,
          MAX_HOURS_PER_DAY,
        );
        if (r === null) throw new AppError('services:errors.hours.recipientDay', 409);
        if (!order.measure_id) throw new AppError('services:errors.hours.volume', 409);
        let used: { remaining: number; fulfilled: boolean };
        try {
          used = await this.c.entitlements.consumeVolume(tx, order.measure_id, code.hours);
        } catch (err) {
          if (err instanceof AppError && err.code === 'entitlements:errors.volumeExceeded')
            throw new AppError('services:errors.hours.volume', 409);
          throw err;
        }
        const entry = await this.c.journal.insertEntry(tx, {
          order_id: order.id,
          specialist_person_id: assignedSpecialist(detail),
          recipient_id: order.recipient_id,
          help_type: detail.help_type,
          day: code.day,
          hours: code.hours,
          format: code.format,
          objects_kk: code.objects_kk,
          objects_ru: code.objects_ru,
          created_at: now,
        });
        await this.c.journal.updateCode(tx, code.id, { state: 'used', used_at: now, entry_id: entry.id });
        await audit(tx, {
          actorId: actor.personId,
          principalId: order.recipient_id,
          action: 'service-journal.entry',
          objectType: 'order',
          objectId: order.id,
          details: { entryId: entry.id, day: code.day, hours: code.hours },
        });
        if (used.fulfilled) {
          serviceMachine.require(order.status as ServiceStatus, 'complete', ['specialist']);
          const done = await this.c.core.orders.transition(tx, order, serviceMachine, 'complete', {
            actorId: actor.personId,
            principalId: order.recipient_id,
            details: { entryId: entry.id },
            at: now,
          });
          await this.orders.endedToEsobes(tx, view, done, now);
          await this.c.core.notifier.notify(
            tx,
            order.recipient_id,
            'services:sms.completed',
            { number: order.number, specialist: view.specialist_name },
            `service-order:${order.id}:completed`,
          );
        }
        return { entry, completed: used.fulfilled, remaining: used.remaining };
      },
    );
    if ('error' in outcome) {
      throw new AppError(
        `services:errors.code.${outcome.error}`,
        outcome.error === 'wrong' ? 400 : 409,
        outcome.left !== undefined ? { left: outcome.left } : {},
      );
    }
    return outcome;
  }

  async entriesOf(actor: Actor, orderId: number): Promise<EntryView[]> {
    return this.c.journal.entries(this.c.db, { specialistPersonId: actor.personId, orderId });
  }
}
