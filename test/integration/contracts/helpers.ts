import request from 'supertest';
import { expect } from 'vitest';
import type { TestContext } from '../../support/context.js';
import { decodeEntities } from '../../support/http.js';
import { organisationByKey, personByKey } from '../../../src/devstand/people.js';
import { astanaDate } from '../../../src/lib/clock.js';

export const TOKEN = 'dev-esobes-token';

/** The page's text: tags dropped, entities decoded, white space collapsed. */
export const textOf = (html: string) =>
  decodeEntities(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/** Awaits a request and checks its status (showing the page when it differs). */
export async function expectStatus<T extends { status: number; text: string }>(
  p: Promise<T>,
  status: number,
) {
  const res = await p;
  expect(res.status, res.text.slice(0, 3000)).toBe(status);
  return res;
}

/** Today and a day `n` days from it (YYYY-MM-DD, Astana). */
export function day(n = 0): string {
  return astanaDate(new Date(Date.now() + n * 86_400_000));
}

/** An ИППСУ as Е-Собес sends it, for a demo person, recommending demo organisations. */
export function programme(
  personKey: string,
  externalId: string,
  providers: string[],
  services: { externalId: string; code: string; form: string; volume: number }[],
  extra: Record<string, unknown> = {},
) {
  return {
    externalId,
    iin: personByKey(personKey).iin,
    category: 'elderly',
    number: `ИППСУ-${externalId}`,
    developedOn: day(-10),
    validUntil: day(300),
    services: services.map((s) => ({
      ...s,
      name: {
        ru: s.form === 'home' ? 'Уход на дому' : 'Дневное пребывание',
        kk: s.form === 'home' ? 'Үйде күтім' : 'Күндізгі болу',
        en: s.form === 'home' ? 'Care at home' : 'Day care',
      },
      periodFrom: day(-10),
      periodTo: day(300),
    })),
    providers: providers.map((k) => organisationByKey(k).bin),
    ...extra,
  };
}

export function postProgrammes(ctx: TestContext, body: unknown, token = TOKEN) {
  return request(ctx.app)
    .post('/api/esobes/ippsu')
    .set('Accept', 'application/json')
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);
}

export async function organisationId(ctx: TestContext, key: string): Promise<number> {
  const row = (await ctx
    .db('organisations')
    .where({ bin: organisationByKey(key).bin })
    .first('id')) as {
    id: number;
  };
  return row.id;
}

export async function contractRow(ctx: TestContext, id: number) {
  return (await ctx.db('ssu_contracts').where({ id }).first()) as {
    status: string;
    number: string | null;
    valid_from: string | null;
    valid_to: string | null;
    person_id: number;
    requested_by: number;
    reason: string | null;
    recipient_document_id: number | null;
    provider_document_id: number | null;
  };
}
