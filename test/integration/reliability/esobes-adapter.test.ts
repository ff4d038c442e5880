import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { devStandIntegrations } from '../../../src/devstand/integrations.js';
import { FakeESobes } from './crash-support.js';

let ctx: TestContext;
let esobes: FakeESobes;
beforeAll(async () => {
  ctx = await createTestContext();
  esobes = new FakeESobes();
  await esobes.start();
});
afterAll(async () => {
  await esobes?.close();
  await ctx?.close();
});

const devEnv = (extra: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'test', DATABASE_URL: ctx.databaseUrl, DATA_DIR: ctx.dataDir, ...extra });

describe('a test stand of Е-Собес outside production', () => {
  it('ESOBES_URL sends Е-Собес messages over HTTP with their idempotency key; the rest stay dev adapters', async () => {
    const integrations = devStandIntegrations(devEnv({ ESOBES_URL: esobes.url }), ctx.db);
    await integrations.esobes.deliver({
      topic: 'msu.arrived',
      idempotencyKey: 'msu:1:arrived',
      payload: { n: 1 },
    });
    expect(esobes.receipts).toMatchObject([
      { topic: 'msu.arrived', key: 'msu:1:arrived', payload: { n: 1 } },
    ]);
    expect(
      await ctx.db('dev_esobes_inbox').where({ idempotency_key: 'msu:1:arrived' }).first(),
    ).toBeUndefined();
    // the registry is still the dev stand's
    expect(await integrations.personRegistry.findByIin('000000000000')).toBeNull();
    await integrations.sms.send({ phone: '+77010000001', text: 'x', idempotencyKey: 'adapter:sms' });
    expect(await ctx.db('dev_sms').where({ idempotency_key: 'adapter:sms' })).toHaveLength(1);
  });

  it('without ESOBES_URL the messages land in the dev stand’s inbox', async () => {
    const integrations = devStandIntegrations(devEnv(), ctx.db);
    await integrations.esobes.deliver({
      topic: 'msu.arrived',
      idempotencyKey: 'msu:2:arrived',
      payload: { n: 2 },
    });
    expect(await ctx.db('dev_esobes_inbox').where({ idempotency_key: 'msu:2:arrived' })).toHaveLength(1);
    expect(esobes.receipts.map((r) => r.key)).not.toContain('msu:2:arrived');
  });

  it('OUTBOX_POLL_MS: a second by default, settable, and refused below 50 ms', () => {
    expect(devEnv().OUTBOX_POLL_MS).toBe(1000);
    expect(devEnv({ OUTBOX_POLL_MS: '100' }).OUTBOX_POLL_MS).toBe(100);
    expect(() => devEnv({ OUTBOX_POLL_MS: '10' })).toThrow(ConfigError);
  });
});
