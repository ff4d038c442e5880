/**
 * The guardianship registry's HTTP adapter against a small registry played by an HTTP server in the
 * test: its contract, its failures, production refusing to start without it, and the portal reading
 * wards through it at login and on a request made for the ward.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, productionConfig, type TestContext } from '../../support/context.js';
import { csrfFrom, loginAs, personIdOf } from '../../support/http.js';
import { httpGuardianshipRegistry } from '../../../src/integrations/http.js';
import type { RegistryGuardianship } from '../../../src/integrations/ports.js';
import { buildServices } from '../../../src/modules/index.js';
import { createApp } from '../../../src/app.js';
import { createLogger } from '../../../src/logger.js';
import { personByKey } from '../../../src/devstand/people.js';

const TOKEN = 'registry-token-0123456789';

/** The registry: answers for the guardians it is given, 404 for others; some IINs fail on purpose. */
class FakeGuardianshipRegistry {
  readonly records = new Map<string, RegistryGuardianship[]>();
  readonly failing = new Set<string>();
  readonly malformed = new Set<string>();
  readonly asked: { iin: string; auth: string | undefined }[] = [];
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const m = /^\/opeka\/guardians\/(\d{12})\/guardianships$/.exec(req.url ?? '');
      if (req.method !== 'GET' || !m) return void res.writeHead(400).end();
      const iin = m[1]!;
      this.asked.push({ iin, auth: req.headers.authorization });
      if (this.failing.has(iin)) return void res.writeHead(502).end('bad gateway');
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (this.malformed.has(iin)) return json({ wards: 'nobody' });
      const records = this.records.get(iin);
      if (!records) return void res.writeHead(404).end();
      json({ guardianships: records });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/opeka`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

let ctx: TestContext;
let registry: FakeGuardianshipRegistry;
beforeAll(async () => {
  ctx = await createTestContext();
  registry = new FakeGuardianshipRegistry();
  await registry.start();
});
afterAll(async () => {
  await registry?.close();
  await ctx?.close();
});

const trusteeship = (wardIin: string, extra: Partial<RegistryGuardianship> = {}): RegistryGuardianship => ({
  wardIin,
  kind: 'trusteeship',
  decision: { number: 'ОП-77/1', date: '2024-05-20', authority: 'Отдел опеки г. Караганды' },
  validFrom: '2024-05-20',
  validUntil: null,
  endedOn: null,
  ...extra,
});

describe('the HTTP adapter of the guardianship registry', () => {
  it('GETs guardians/{iin}/guardianships with the token; 404 is «none»; a failure or an odd answer throws', async () => {
    const adapter = httpGuardianshipRegistry(registry.url, TOKEN);
    registry.records.set('111111111111', [trusteeship('222222222222')]);
    expect(await adapter.wardsOf('111111111111')).toEqual([trusteeship('222222222222')]);
    expect(registry.asked.at(-1)).toEqual({ iin: '111111111111', auth: `Bearer ${TOKEN}` });
    expect(await adapter.wardsOf('333333333333')).toEqual([]);
    registry.failing.add('444444444444');
    await expect(adapter.wardsOf('444444444444')).rejects.toThrow(/answered 502/);
    registry.malformed.add('555555555555');
    await expect(adapter.wardsOf('555555555555')).rejects.toThrow(/unknown shape/);
  });

  it('production refuses to start without its address, naming it', () => {
    const prod = productionConfig(ctx, ['GUARDIANSHIP_REGISTRY_URL']);
    expect(() => buildServices(prod, ctx.db, createLogger('silent'), { trust: ctx.services.trust })).toThrow(
      /not configured: GUARDIANSHIP_REGISTRY_URL/,
    );
  });

  it('the portal reads the wards through it at login and asks again for the ward (TTL 0: every request)', async () => {
    const services = buildServices(
      { ...ctx.config, GUARDIANSHIP_CHECK_TTL_SECONDS: 0 },
      ctx.db,
      createLogger('silent'),
      {
        clock: ctx.clock,
        trust: ctx.services.trust,
        integrations: {
          ...ctx.devStand.integrations,
          guardianshipRegistry: httpGuardianshipRegistry(registry.url, TOKEN),
        },
      },
    );
    const app = createApp(services, ctx.devStand.web);
    const over = { ...ctx, app, services };
    try {
      // the HTTP registry makes the recipient r09 a trustee of r08 (the dev registry knows nothing of it)
      const guardian = personByKey('r09');
      const ward = await personIdOf(ctx, 'r08');
      registry.records.set(guardian.iin, [trusteeship(personByKey('r08').iin)]);
      const agent = await loginAs(over, 'r09', { actFor: 'r08' });
      const cabinet = await agent.get('/cabinet').expect(200);
      expect(cabinet.text).toContain(personByKey('r08').iin);
      const asked = registry.asked.filter((a) => a.iin === guardian.iin).length;
      await agent.get('/cabinet').expect(200);
      expect(registry.asked.filter((a) => a.iin === guardian.iin).length).toBe(asked + 1);

      // the authority ends it: the very next request for the ward is refused
      registry.records.set(guardian.iin, [trusteeship(personByKey('r08').iin, { endedOn: '2020-01-01' })]);
      const after = await agent.get('/cabinet').expect(200);
      expect(after.text).not.toContain(personByKey('r08').iin);
      expect(after.text).toContain(guardian.iin);
      const actFor = await agent.get('/act-for').expect(200);
      await agent
        .post('/act-for')
        .type('form')
        .send({ _csrf: csrfFrom(actFor.text), principalId: String(ward) })
        .expect(404);
    } finally {
      await (app.locals.sessionPool as { end: () => Promise<void> }).end();
    }
  });
});
