import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createIntegrations } from '../../../src/integrations/index.js';
import {
  httpEntrepreneurRegistry,
  httpHealthRegistry,
  httpOrganisationRegistry,
} from '../../../src/integrations/http.js';
import { devLegalEntity } from '../../../src/devstand/integrations.js';
import { organisationByKey } from '../../../src/devstand/people.js';

/** A gateway of the state registries played by a small HTTP server: it answers from `answers`. */
class FakeGateway {
  private server = http.createServer((req, res) => this.handle(req, res));
  readonly seen: { path: string; auth: string | undefined }[] = [];
  answers = new Map<string, { status: number; body?: unknown }>();
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? '').replace(/^\/gateway/, '');
    this.seen.push({ path, auth: req.headers.authorization });
    const a = this.answers.get(path) ?? { status: 404 };
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body === undefined ? '{}' : JSON.stringify(a.body));
  }
}

let gateway: FakeGateway;
beforeAll(async () => {
  gateway = new FakeGateway();
  await gateway.start();
});
afterAll(async () => gateway?.close());

const TOKEN = 'gateway-token-0123456789';
const care = devLegalEntity(organisationByKey('new-care'));

describe('the HTTP adapters of ГБД ЮЛ, the entrepreneur registry and the health registry', () => {
  it('ГБД ЮЛ: the full record by БИН with the bearer token; 404 is «unknown»; an error status throws', async () => {
    const registry = httpOrganisationRegistry(gateway.url, TOKEN);
    gateway.answers.set(`/organisations/${care.bin}`, { status: 200, body: care });
    const found = await registry.findByBin(care.bin);
    expect(found).toEqual(care);
    expect(found?.founders).toHaveLength(2);
    expect(gateway.seen.at(-1)).toEqual({ path: `/organisations/${care.bin}`, auth: `Bearer ${TOKEN}` });
    expect(await registry.findByBin('000000000000')).toBeNull();
    gateway.answers.set('/organisations/111111111111', { status: 502 });
    await expect(registry.findByBin('111111111111')).rejects.toThrow(/answered 502/);
  });

  it('the entrepreneur registry: the registration by ИИН; 404 is «not an entrepreneur»', async () => {
    const registry = httpEntrepreneurRegistry(gateway.url);
    const record = {
      iin: '900909412345',
      name: 'ИП «Тест»',
      owner: 'ТЕСТОВА ТЕСТ',
      address: { region: 'г. Астана', locality: 'г. Астана', street: 'ул. Абая', house: '1' },
      registeredOn: '2022-01-01',
      registrationNumber: 'ИП-1',
      taxAuthority: 'УГД',
      activityCode: '47741',
      otherActivityCodes: [],
      status: 'active',
    };
    gateway.answers.set('/entrepreneurs/900909412345', { status: 200, body: record });
    expect(await registry.findByIin('900909412345')).toEqual(record);
    expect(await registry.findByIin('900909412346')).toBeNull();
  });

  it('the health registry: a definite answer is a confirmation; 404 or an answer without yes or no is none', async () => {
    const registry = httpHealthRegistry(gateway.url);
    const clean = {
      iin: '870130300001',
      onRecord: false,
      checkedAt: '2026-12-05T10:00:00Z',
      reference: 'ПНД-1',
    };
    gateway.answers.set('/dispensary-records/870130300001', { status: 200, body: clean });
    gateway.answers.set('/dispensary-records/870130300002', {
      status: 200,
      body: { ...clean, iin: '870130300002', onRecord: true },
    });
    gateway.answers.set('/dispensary-records/870130300003', { status: 200, body: { iin: '870130300003' } });
    expect(await registry.dispensaryRecord('870130300001')).toEqual(clean);
    expect((await registry.dispensaryRecord('870130300002'))?.onRecord).toBe(true);
    expect(await registry.dispensaryRecord('870130300003')).toBeNull();
    expect(await registry.dispensaryRecord('870130300004')).toBeNull();
    gateway.answers.set('/dispensary-records/870130300005', { status: 500 });
    await expect(registry.dispensaryRecord('870130300005')).rejects.toThrow(/answered 500/);
  });

  it('production: the new registries answer through PERSON_REGISTRY_URL unless they have their own addresses', async () => {
    const base = {
      NODE_ENV: 'test',
      PERSON_REGISTRY_URL: gateway.url,
      MOBILE_BASE_URL: gateway.url,
      SMS_GATEWAY_URL: gateway.url,
      ESOBES_URL: gateway.url,
      GUARDIANSHIP_REGISTRY_URL: gateway.url,
    };
    const shared = createIntegrations(loadConfig(base));
    gateway.answers.set('/entrepreneurs/880101300001', { status: 404 });
    const before = gateway.seen.length;
    await shared.entrepreneurRegistry.findByIin('880101300001');
    await shared.healthRegistry.dispensaryRecord('880101300001');
    expect(gateway.seen.slice(before).map((s) => s.path)).toEqual([
      '/entrepreneurs/880101300001',
      '/dispensary-records/880101300001',
    ]);

    const own = createIntegrations(
      loadConfig({
        ...base,
        ENTREPRENEUR_REGISTRY_URL: `${gateway.url}ip/`,
        HEALTH_REGISTRY_URL: `${gateway.url}health/`,
      }),
    );
    const mark = gateway.seen.length;
    await own.entrepreneurRegistry.findByIin('880101300001');
    await own.healthRegistry.dispensaryRecord('880101300001');
    expect(gateway.seen.slice(mark).map((s) => s.path)).toEqual([
      '/ip/entrepreneurs/880101300001',
      '/health/dispensary-records/880101300001',
    ]);
  });
});
