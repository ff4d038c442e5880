import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { personIdOf } from '../../support/http.js';
import { astanaDate } from '../../../src/lib/clock.js';
import type { AppError } from '../../../src/lib/errors.js';
import { ValidationError } from '../../../src/lib/errors.js';
import { actorOf, addEntry, orderInProgress, smsCode } from './helpers.js';

const DAY = 24 * 3600_000;

describe('service journal: 8 hours a day, volume, SMS codes', () => {
  let ctx: TestContext;
  let today: string;
  const dayPlus = (n: number) => astanaDate(new Date(ctx.clock.now().getTime() + n * DAY));
  const orders: Record<string, number> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.clock.set(new Date());
    today = astanaDate(ctx.clock.now());
    orders.r02 = await orderInProgress(ctx, 'r02', 's01', 'UZHYA');
    orders.r20 = await orderInProgress(ctx, 'r20', 's01', 'UZHYA');
    orders.r01s01 = await orderInProgress(ctx, 'r01', 's01', 'UZHYA');
    orders.r01s04 = await orderInProgress(ctx, 'r01', 's04', 'UIP');
    ctx.clock.advance(3 * DAY);
  });
  afterAll(async () => ctx?.close());

  it('refuses a ninth hour for the specialist across two recipients on one day', async () => {
    await addEntry(ctx, 's01', orders.r02!, { day: today, hours: 5, format: 'in_person' });
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const refused = await ctx.services.specialistServices.journal
      .requestCode(s01, {
        order: orders.r20!,
        day: today,
        hours: 4,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields.hours).toBe('services:errors.hours.specialistDay');
    const ok = await addEntry(ctx, 's01', orders.r20!, { day: today, hours: 3, format: 'remote' });
    expect(ok.entry.hours).toBe(3);
  });

  it('settles concurrent entries of one specialist in PostgreSQL: exactly one of two 5-hour entries is saved', async () => {
    const area = ctx.services.specialistServices;
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const day = dayPlus(-2);
    const a = await area.journal.requestCode(s01, {
      order: orders.r02!,
      day,
      hours: 5,
      format: 'in_person',
      objectsKk: '',
      objectsRu: '',
    });
    const b = await area.journal.requestCode(s01, {
      order: orders.r20!,
      day,
      hours: 5,
      format: 'in_person',
      objectsKk: '',
      objectsRu: '',
    });
    const [ca, cb] = [await smsCode(ctx, a), await smsCode(ctx, b)];
    const results = await Promise.allSettled([
      area.journal.confirmCode(s01, a, ca),
      area.journal.confirmCode(s01, b, cb),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failed.reason as AppError).code).toBe('services:errors.hours.specialistDay');
    const s01Id = await personIdOf(ctx, 's01');
    const sum = (await ctx
      .db('service_journal_entries')
      .where({ specialist_person_id: s01Id, day })
      .sum('hours as h')
      .first()) as { h: number };
    expect(Number(sum.h)).toBe(5);
  });

  it('settles concurrent entries of two specialists for one recipient: the recipient never passes 8 hours a day', async () => {
    const area = ctx.services.specialistServices;
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const s04 = await actorOf(ctx, 's04', ['specialist']);
    const day = dayPlus(-1);
    const a = await area.journal.requestCode(s01, {
      order: orders.r01s01!,
      day,
      hours: 6,
      format: 'in_person',
      objectsKk: '',
      objectsRu: '',
    });
    const b = await area.journal.requestCode(s04, {
      order: orders.r01s04!,
      day,
      hours: 4,
      objectsKk: 'Әкімдік, Ұлттық кітапхана',
      objectsRu: 'Акимат, Национальная библиотека',
    });
    const results = await Promise.allSettled([
      area.journal.confirmCode(s01, a, await smsCode(ctx, a)),
      area.journal.confirmCode(s04, b, await smsCode(ctx, b)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      ((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as AppError).code,
    ).toBe('services:errors.hours.recipientDay');
    const r01 = await personIdOf(ctx, 'r01');
    const counter = (await ctx
      .db('service_day_hours')
      .where({ person_id: r01, role: 'recipient', day })
      .first()) as { hours: number };
    expect([6, 4]).toContain(counter.hours);
  });

  it('never passes the remaining volume, and the last hours close the order «Выполнен» with a message to Е-Собес', async () => {
    const area = ctx.services.specialistServices;
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const order = (await ctx.db('orders').where({ id: orders.r20 }).first()) as {
      measure_id: number;
      number: string;
    };
    await ctx
      .db('ipr_measures')
      .where({ id: order.measure_id })
      .update({ used_volume: ctx.db.raw('volume - 3') });
    const tooMuch = await area.journal
      .requestCode(s01, {
        order: orders.r20!,
        day: dayPlus(0),
        hours: 4,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e);
    expect((tooMuch as ValidationError).fields.hours).toBe('services:errors.hours.volume');

    const done = await addEntry(ctx, 's01', orders.r20!, { day: dayPlus(0), hours: 3, format: 'remote' });
    expect(done.completed).toBe(true);
    expect(done.remaining).toBe(0);
    const row = (await ctx.db('orders').where({ id: orders.r20 }).first()) as {
      status: string;
      is_open: boolean;
    };
    expect(row).toMatchObject({ status: 'completed', is_open: false });
    const measure = (await ctx.db('ipr_measures').where({ id: order.measure_id }).first()) as {
      status: string;
      used_volume: number;
      volume: number;
    };
    expect(measure.status).toBe('fulfilled');
    expect(measure.used_volume).toBe(measure.volume);
    const msg = (await ctx
      .db('outbox')
      .where({ system: 'esobes', topic: 'service-order-completed' })
      .first()) as {
      payload: { orderNumber: string; status: string };
    };
    expect(msg.payload).toMatchObject({ orderNumber: order.number, status: 'completed' });
    await ctx.services.outbox.deliverDue();
    const inbox = await ctx.db('dev_esobes_inbox').where({ topic: 'service-order-completed' });
    expect(inbox).toHaveLength(1);
    // a completed order takes no more entries
    const after = await area.journal
      .requestCode(s01, {
        order: orders.r20!,
        day: dayPlus(0),
        hours: 1,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e);
    expect((after as AppError).code).toBe('services:errors.orderNotInProgress');
  });

  it('refuses an expired code and saves nothing', async () => {
    const area = ctx.services.specialistServices;
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const codeId = await area.journal.requestCode(s01, {
      order: orders.r02!,
      day: dayPlus(0),
      hours: 1,
      format: 'remote',
      objectsKk: '',
      objectsRu: '',
    });
    const code = await smsCode(ctx, codeId);
    ctx.clock.advance(11 * 60_000);
    const err = await area.journal.confirmCode(s01, codeId, code).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('services:errors.code.expired');
    expect(
      await ctx.db('service_journal_entries').where({ order_id: orders.r02, day: dayPlus(0) }),
    ).toHaveLength(0);
  });

  it('counts wrong codes, blocks after five attempts, keeps only a hash of the code', async () => {
    const area = ctx.services.specialistServices;
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const codeId = await area.journal.requestCode(s01, {
      order: orders.r02!,
      day: dayPlus(0),
      hours: 2,
      format: 'remote',
      objectsKk: '',
      objectsRu: '',
    });
    const code = await smsCode(ctx, codeId);
    const wrong = code === '000000' ? '111111' : '000000';
    const stored = (await ctx.db('service_hour_codes').where({ id: codeId }).first()) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(stored)).not.toContain(code);
    for (let left = 4; left >= 1; left--) {
      const e = (await area.journal.confirmCode(s01, codeId, wrong).catch((x: unknown) => x)) as AppError;
      expect(e.code).toBe('services:errors.code.wrong');
      expect(e.params).toEqual({ left });
    }
    const fifth = (await area.journal.confirmCode(s01, codeId, wrong).catch((x: unknown) => x)) as AppError;
    expect(fifth.code).toBe('services:errors.code.blocked');
    const right = (await area.journal.confirmCode(s01, codeId, code).catch((x: unknown) => x)) as AppError;
    expect(right.code).toBe('services:errors.code.blocked');
    expect(
      await ctx.db('service_journal_entries').where({ order_id: orders.r02, day: dayPlus(0) }),
    ).toHaveLength(0);
  });

  it('refuses a day before the confirmation and a day in the future', async () => {
    const s01 = await actorOf(ctx, 's01', ['specialist']);
    const journal = ctx.services.specialistServices.journal;
    const before = (await journal
      .requestCode(s01, {
        order: orders.r02!,
        day: astanaDate(new Date(Date.parse(today) - DAY)),
        hours: 1,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e)) as ValidationError;
    expect(before.fields.day).toBe('services:errors.day.beforeConfirmation');
    const future = (await journal
      .requestCode(s01, {
        order: orders.r02!,
        day: dayPlus(1),
        hours: 1,
        format: 'remote',
        objectsKk: '',
        objectsRu: '',
      })
      .catch((e: unknown) => e)) as ValidationError;
    expect(future.fields.day).toBe('services:errors.day.future');
  });
});
