import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { loginAs, postForm } from '../../support/http.js';
import { textOf } from '../goods/helpers.js';
import { organisationId } from './helpers.js';

describe('the sanatorium publishes its offer and periods', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('saves the offer, refuses bad input in the user’s language without a change, adds a period', async () => {
    const e2 = await loginAs(ctx, 'san-e2');
    const org = await organisationId(ctx, 'san-lake');
    let page = await e2.get('/sanatorium-cabinet').expect(200);
    const before = await ctx.db('sanatoriums').where({ organisation_id: org }).first();

    // no profile ticked: refused, nothing changed
    const bad = await postForm(e2, page.text, '/sanatorium-cabinet/offer', {
      name: 'Санаторий «Көкшетау-Жасыл»',
      region: 'Акмолинская область',
      locality: 'г. Кокшетау',
      address: 'ул. Озёрная, 12',
      description: '',
    });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain('Отметьте хотя бы один профиль лечения');
    expect(await ctx.db('sanatoriums').where({ organisation_id: org }).first()).toEqual(before);

    const ok = await postForm(e2, page.text, '/sanatorium-cabinet/offer', {
      name: 'Санаторий «Көкшетау-Жасыл»',
      region: 'Акмолинская область',
      locality: 'г. Кокшетау',
      address: 'ул. Озёрная, 12',
      profiles: ['cardiovascular', 'neurological'],
      accessibility: ['lift', 'sign_language'],
      description: 'Минеральные воды.',
      published: 'yes',
    });
    expect(ok.status).toBe(303);
    expect(await ctx.db('sanatoriums').where({ organisation_id: org }).first()).toMatchObject({
      profiles: ['cardiovascular', 'neurological'],
      lift: true,
      sign_language: true,
      wheelchair: false,
    });

    page = await e2.get('/sanatorium-cabinet').expect(200);
    const count = async () =>
      Number(
        (
          (await ctx.db('sanatorium_periods').where({ organisation_id: org }).count('* as n').first()) as {
            n: number;
          }
        ).n,
      );
    const n = await count();
    const past = await postForm(e2, page.text, '/sanatorium-cabinet/periods', {
      startsOn: '2020-01-01',
      days: '14',
      places: '5',
      companionPlaces: '1',
      price: '300 000',
      companionPrice: '100 000',
    });
    expect(past.status).toBe(400);
    expect(textOf(past.text)).toContain('Дата заезда должна быть позже сегодняшней');
    const zero = await postForm(e2, page.text, '/sanatorium-cabinet/periods', {
      startsOn: '2099-01-01',
      days: '0',
      places: '5',
      companionPlaces: '1',
      price: '300 000',
      companionPrice: '100 000',
    });
    expect(zero.status).toBe(400);
    expect(await count()).toBe(n);
    const added = await postForm(e2, page.text, '/sanatorium-cabinet/periods', {
      startsOn: '2099-01-01',
      days: '14',
      places: '5',
      companionPlaces: '1',
      price: '300 000',
      companionPrice: '100 000',
    });
    expect(added.status).toBe(303);
    expect(await count()).toBe(n + 1);
    expect(
      await ctx.db('sanatorium_periods').where({ organisation_id: org, starts_on: '2099-01-01' }).first(),
    ).toMatchObject({
      places: 5,
      companion_places: 1,
    });

    // an organisation without the direction has no sanatorium cabinet
    const e05 = await loginAs(ctx, 'e05');
    const refused = await e05.get('/sanatorium-cabinet');
    expect(refused.status).toBe(403);
    expect(textOf(refused.text)).toContain('нет направления');
  });
});
