import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { Outbox, MAX_ATTEMPTS } from '../../../src/modules/outbox/outbox.js';
import { devIntegrations } from '../../../src/devstand/integrations.js';
import { createLogger } from '../../../src/logger.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('transactional outbox', () => {
  it('writes nothing when the change rolls back, and one message per idempotency key', async () => {
    await ctx.db
      .transaction(async (tx) => {
        await ctx.services.outbox.enqueue(tx, {
          system: 'sms',
          topic: 't',
          idempotencyKey: 'rolled-back',
          payload: { phone: '+77010000000', text: 'x' },
        });
        throw new Error('change failed');
      })
      .catch(() => undefined);
    expect(await ctx.db('outbox').where({ idempotency_key: 'rolled-back' }).first()).toBeUndefined();

    for (let i = 0; i < 3; i++) {
      await ctx.db.transaction((tx) =>
        ctx.services.outbox.enqueue(tx, {
          system: 'esobes',
          topic: 'fulfilment',
          idempotencyKey: 'order:1:done',
          payload: { order: 1 },
        }),
      );
    }
    expect(await ctx.db('outbox').where({ idempotency_key: 'order:1:done' })).toHaveLength(1);
  });

  it('delivers exactly once with two deliverers racing (several instances)', async () => {
    for (let i = 0; i < 40; i++) {
      await ctx.services.outbox.enqueue(ctx.db, {
        system: 'sms',
        topic: 'race',
        idempotencyKey: `race:${i}`,
        payload: { phone: '+77019999999', text: `m${i}` },
      });
    }
    const other = new Outbox(ctx.db, devIntegrations(ctx.db), ctx.clock, createLogger('silent'));
    const [a, b] = await Promise.all([ctx.services.outbox.deliverDue(100), other.deliverDue(100)]);
    expect(a + b).toBeGreaterThanOrEqual(40);
    const sms = await ctx.db('dev_sms').where({ phone: '+77019999999' });
    expect(sms).toHaveLength(40);
    const pending = await ctx.db('outbox').where({ topic: 'race', state: 'pending' });
    expect(pending).toHaveLength(0);
  });

  it('retries a failing delivery with backoff, records the error, and gives up after the limit', async () => {
    let calls = 0;
    const failing = {
      ...devIntegrations(ctx.db),
      esobes: {
        deliver: async () => {
          calls++;
          throw new Error('Е-Собес is down');
        },
      },
    };
    const outbox = new Outbox(ctx.db, failing, ctx.clock, createLogger('silent'));
    ctx.clock.set(new Date('2026-12-01T05:00:00Z'));
    await outbox.enqueue(ctx.db, {
      system: 'esobes',
      topic: 'fulfilment',
      idempotencyKey: 'fail:1',
      payload: { n: 1 },
    });
    await outbox.deliverDue(10);
    let row = await ctx.db('outbox').where({ idempotency_key: 'fail:1' }).first();
    expect(row.attempts).toBe(1);
    expect(row.state).toBe('pending');
    expect(row.last_error).toContain('Е-Собес is down');
    // not due again until the backoff passes
    await outbox.deliverDue(10);
    expect(calls).toBe(1);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      ctx.clock.advance(2 * 3600_000);
      await outbox.deliverDue(10);
    }
    row = await ctx.db('outbox').where({ idempotency_key: 'fail:1' }).first();
    expect(row.state).toBe('failed');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    // an operator's retry puts it back in line, and a working system takes it
    expect(await ctx.services.outbox.retry(row.id)).toBe(true);
    await ctx.services.outbox.deliverDue(10);
    row = await ctx.db('outbox').where({ idempotency_key: 'fail:1' }).first();
    expect(row.state).toBe('delivered');
    expect(await ctx.db('dev_esobes_inbox').where({ idempotency_key: 'fail:1' })).toHaveLength(1);
    ctx.clock.reset();
  });
});
