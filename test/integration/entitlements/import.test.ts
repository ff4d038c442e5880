import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { personIdOf } from '../../support/http.js';
import { personByKey } from '../../../src/devstand/people.js';
import { devRegistryPerson } from '../../../src/devstand/integrations.js';
import { makeIin } from '../../../src/lib/iin.js';

const TOKEN = 'dev-esobes-token';
let ctx: TestContext;

function post(body: unknown, token: string | null = TOKEN) {
  const r = request(ctx.app).post('/api/esobes/ipr').set('Accept', 'application/json');
  if (token !== null) r.set('Authorization', `Bearer ${token}`);
  return r.send(body as object);
}

function batch(
  iin: string,
  measures: { externalId: string; helpType: string; volume: number; deadline?: string | null }[],
  ipr = 'T-IPR-1',
) {
  return { iprs: [{ externalId: ipr, iin, developedOn: '2026-11-01', validUntil: '2027-10-31', measures }] };
}

async function measure(externalId: string) {
  return ctx.db('ipr_measures').where({ external_id: externalId }).first();
}

async function smsTo(phone: string): Promise<string[]> {
  const rows = (await ctx.db('outbox').where({ system: 'sms' }).orderBy('id')) as {
    payload: { phone: string; text: string };
  }[];
  return rows.filter((r) => r.payload.phone === phone).map((r) => r.payload.text);
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('POST /api/esobes/ipr', () => {
  const r02 = personByKey('r02');

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const body = batch(r02.iin, [{ externalId: 'T-AUTH-1', helpType: 'TSR_WHEELCHAIR', volume: 1 }]);
    const none = await post(body, null).expect(401);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    await post(body, 'not-the-token').expect(401);
    expect(await measure('T-AUTH-1')).toBeUndefined();
  });

  it('stores a new measure, tells the person by SMS to choose a supplier, and sets notified_at', async () => {
    const res = await post(
      batch(r02.iin, [
        { externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 2, deadline: '2027-10-31' },
        { externalId: 'T-M-2', helpType: 'PAYMENT_TRANSPORT', volume: 1_500_000 },
      ]),
    ).expect(200);
    expect(res.body).toMatchObject({
      ok: true,
      iprs: 1,
      measures: { received: 2, created: 2, updated: 0, unchanged: 0 },
    });
    const m = await measure('T-M-1');
    expect(m).toMatchObject({
      help_type: 'TSR_HEARING_AID',
      volume: 2,
      status: 'open',
      revision: 1,
      person_id: await personIdOf(ctx, 'r02'),
    });
    expect(m.notified_at).toBeInstanceOf(Date);
    const texts = await smsTo(r02.phone);
    expect(texts.some((t) => t.includes('Слуховой аппарат') && t.includes('выберите поставщика'))).toBe(true);
    // a payment has no supplier to choose: the SMS only says it is assigned
    expect(
      texts.some(
        (t) => t.includes('Компенсация транспортных расходов') && !t.includes('выберите поставщика'),
      ),
    ).toBe(true);
  });

  it('is idempotent: the same batch again changes nothing and sends nothing', async () => {
    const before = await measure('T-M-1');
    const smsBefore = (await smsTo(r02.phone)).length;
    const res = await post(
      batch(r02.iin, [
        { externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 2, deadline: '2027-10-31' },
        { externalId: 'T-M-2', helpType: 'PAYMENT_TRANSPORT', volume: 1_500_000 },
      ]),
    ).expect(200);
    expect(res.body.measures).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const after = await measure('T-M-1');
    expect(after.revision).toBe(1);
    expect(after.updated_at).toEqual(before.updated_at);
    expect((await smsTo(r02.phone)).length).toBe(smsBefore);
  });

  it('updates a changed measure and bumps its revision', async () => {
    const res = await post(
      batch(r02.iin, [
        { externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 3, deadline: '2027-12-31' },
      ]),
    ).expect(200);
    expect(res.body.measures).toMatchObject({ updated: 1, created: 0 });
    expect(await measure('T-M-1')).toMatchObject({
      volume: 3,
      deadline: '2027-12-31',
      revision: 2,
      status: 'open',
    });
  });

  it('refuses a malformed batch with 400, a path per field, and stores nothing at all', async () => {
    const res = await post({
      iprs: [
        {
          externalId: 'T-BAD-IPR',
          iin: r02.iin,
          developedOn: '2026-11-01',
          measures: [
            { externalId: 'T-BAD-1', helpType: 'TSR_WHEELCHAIR', volume: 1 },
            { externalId: 'T-BAD-2', helpType: 'TSR_WHEELCHAIR', volume: -4 },
          ],
        },
        { externalId: 'T-BAD-IPR2', iin: '123456789012', developedOn: '2026-02-30', measures: [] },
      ],
    }).expect(400);
    expect(res.body.error).toBe('validation');
    expect(Object.keys(res.body.fields)).toEqual(
      expect.arrayContaining([
        'iprs.0.measures.1.volume',
        'iprs.1.iin',
        'iprs.1.developedOn',
        'iprs.1.measures',
      ]),
    );
    expect(await measure('T-BAD-1')).toBeUndefined();
    expect(await ctx.db('iprs').where({ external_id: 'T-BAD-IPR' }).first()).toBeUndefined();
  });

  it('refuses an unknown help type and a volume below what is used, rolling the whole batch back', async () => {
    await ctx.db('ipr_measures').where({ external_id: 'T-M-1' }).update({ used_volume: 2 });
    const res = await post(
      batch(r02.iin, [
        { externalId: 'T-NEW-OK', helpType: 'TSR_WHITE_CANE', volume: 1 },
        { externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 1 },
        { externalId: 'T-NEW-X', helpType: 'NO_SUCH_HELP', volume: 1 },
      ]),
    ).expect(400);
    expect(res.body.fields).toHaveProperty(['iprs.0.measures.2.helpType']);
    const second = await post(
      batch(r02.iin, [
        { externalId: 'T-NEW-OK', helpType: 'TSR_WHITE_CANE', volume: 1 },
        { externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 1 },
      ]),
    ).expect(400);
    expect(second.body.fields).toHaveProperty(['iprs.0.measures.1.volume']);
    expect(await measure('T-NEW-OK')).toBeUndefined();
    expect(await measure('T-M-1')).toMatchObject({ volume: 3, revision: 2 });
  });

  it('creates a person unknown to the portal from the person registry and the mobile base', async () => {
    const iin = makeIin('1971-07-07', 'F', 4242);
    const phone = '+77015559999';
    const base = devRegistryPerson(personByKey('r05').iin)!;
    const registry = ctx.services.integrations.personRegistry;
    const mobile = ctx.services.integrations.mobileBase;
    ctx.services.integrations.personRegistry = {
      findByIin: async (x) =>
        x === iin ? { ...base, iin, surname: 'НОВАЯ', name: 'ПОЛУЧАТЕЛЬНИЦА' } : registry.findByIin(x),
    };
    ctx.services.integrations.mobileBase = {
      phoneByIin: async (x) => (x === iin ? phone : mobile.phoneByIin(x)),
    };
    try {
      const res = await post(
        batch(iin, [{ externalId: 'T-NEWP-1', helpType: 'UIP', volume: 40 }], 'T-IPR-NEW'),
      ).expect(200);
      expect(res.body.personsCreated).toBe(1);
      const person = await ctx.db('persons').where({ iin }).first();
      expect(person).toMatchObject({ surname: 'НОВАЯ', phone });
      expect(
        await ctx.db('person_roles').where({ person_id: person.id, role: 'recipient' }).first(),
      ).toBeDefined();
      expect((await smsTo(phone)).length).toBe(1);
      // and a person nobody knows is refused by field
      const unknown = makeIin('1972-08-08', 'M', 4343);
      const bad = await post(
        batch(unknown, [{ externalId: 'T-NOBODY', helpType: 'UIP', volume: 1 }], 'T-IPR-NOBODY'),
      ).expect(400);
      expect(bad.body.fields).toHaveProperty(['iprs.0.iin']);
    } finally {
      ctx.services.integrations.personRegistry = registry;
      ctx.services.integrations.mobileBase = mobile;
    }
  });

  it('refuses a measure id that belongs to another person', async () => {
    const r03 = personByKey('r03');
    const res = await post(
      batch(r03.iin, [{ externalId: 'T-M-1', helpType: 'TSR_HEARING_AID', volume: 3 }], 'T-IPR-R03'),
    ).expect(400);
    expect(res.body.fields).toHaveProperty(['iprs.0.measures.0.externalId']);
    expect(await ctx.db('iprs').where({ external_id: 'T-IPR-R03' }).first()).toBeUndefined();
  });

  it('the CLI `npm run esobes:import FILE` imports through the same service', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esobes-')), 'batch.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        batch(r02.iin, [{ externalId: 'T-CLI-1', helpType: 'TSR_DIAPERS', volume: 1 }], 'T-IPR-CLI'),
      ),
    );
    const run = promisify(execFile);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: ctx.databaseUrl,
      DATA_DIR: ctx.dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const { stdout } = await run('npx', ['tsx', 'scripts/esobes-import.ts', file], {
      env,
      cwd: ctx.config.rootDir,
    });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, measures: { created: 1 } });
    expect(await measure('T-CLI-1')).toMatchObject({ help_type: 'TSR_DIAPERS', status: 'open' });
    fs.writeFileSync(file, JSON.stringify({ iprs: [{ externalId: 'x' }] }));
    const failed = await run('npx', ['tsx', 'scripts/esobes-import.ts', file], {
      env,
      cwd: ctx.config.rootDir,
    }).catch((e: { code: number; stdout: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect(JSON.parse((failed as { stdout: string }).stdout).fields).toHaveProperty(['iprs.0.iin']);
  });
});

describe('POST /api/esobes/ipr with a configured token', () => {
  let configured: TestContext;
  beforeAll(async () => {
    configured = await createTestContext({ ESOBES_API_TOKEN: 'a-real-token-from-the-config-0123' });
  });
  afterAll(async () => {
    await configured?.close();
  });

  it('accepts only that token; the dev token no longer works', async () => {
    const body = batch(
      personByKey('r02').iin,
      [{ externalId: 'T-CONF-1', helpType: 'UIP', volume: 5 }],
      'T-IPR-CONF',
    );
    const send = (token: string) =>
      request(configured.app).post('/api/esobes/ipr').set('Authorization', `Bearer ${token}`).send(body);
    await send(TOKEN).expect(401);
    await send('a-real-token-from-the-config-0123').expect(200);
    expect(await configured.db('ipr_measures').where({ external_id: 'T-CONF-1' }).first()).toBeDefined();
  });
});
