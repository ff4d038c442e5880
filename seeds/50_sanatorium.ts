import type { Knex } from 'knex';
import { organisationByKey, personByKey } from '../src/devstand/people.js';

/**
 * The dev stand's sanatoriums (issue 17): three sanatoriums in two regions with different profiles and
 * accessibility, arrival periods over the coming months (dates counted from the day of seeding), one
 * of them full (its counter booked to the last place: places sold outside the portal), and the
 * sanatorium terms of the demo recipients' measures (profile, accompanying person).
 */
interface SeedSanatorium {
  org: string;
  name: string;
  locality: string;
  address: string;
  profiles: string[];
  description: string;
  access: { wheelchair: boolean; lift: boolean; adapted_rooms: boolean; sign_language: boolean };
  /** days from the first day of next month, length, places, companion places, price, companion price (tenge) */
  periods: [number, number, number, number, number, number, 'full'?][];
}

const SANATORIUMS: SeedSanatorium[] = [
  {
    org: 'sup-sanatorium',
    name: 'Санаторий «Сарыарка»',
    locality: 'г. Караганда',
    address: 'ул. Гоголя, 51',
    profiles: ['musculoskeletal', 'general'],
    description: 'Лечение опорно-двигательного аппарата, грязелечение, бассейн.',
    access: { wheelchair: true, lift: true, adapted_rooms: true, sign_language: false },
    periods: [
      [3, 14, 10, 4, 280_000, 180_000],
      [33, 21, 8, 3, 360_000, 220_000],
      [63, 14, 2, 0, 260_000, 0, 'full'],
    ],
  },
  {
    org: 'san-north',
    name: 'Санаторий «Бурабай-Шипагер»',
    locality: 'г. Щучинск',
    address: 'ул. Курортная, 3',
    profiles: ['neurological', 'respiratory'],
    description: 'Сосновый бор, лечение нервной системы и органов дыхания, кумысолечение.',
    access: { wheelchair: true, lift: false, adapted_rooms: true, sign_language: true },
    periods: [
      [7, 18, 12, 6, 320_000, 200_000],
      [40, 18, 12, 6, 320_000, 200_000],
    ],
  },
  {
    org: 'san-lake',
    name: 'Санаторий «Көкшетау-Жасыл»',
    locality: 'г. Кокшетау',
    address: 'ул. Озёрная, 12',
    profiles: ['cardiovascular', 'digestive', 'musculoskeletal'],
    description: 'Минеральные воды, лечение сердечно-сосудистой системы и органов пищеварения.',
    access: { wheelchair: false, lift: true, adapted_rooms: false, sign_language: false },
    periods: [
      [10, 12, 6, 2, 240_000, 150_000],
      [45, 21, 6, 2, 340_000, 200_000],
    ],
  },
];

/** Sanatorium terms of the demo recipients' measures: the profile, and whether an accompanying person comes. */
const TERMS: { person: string; profile: string; companion: boolean }[] = [
  { person: 'r01', profile: 'general', companion: true },
  { person: 'r19', profile: 'musculoskeletal', companion: false },
  { person: 'san-r1', profile: 'neurological', companion: true },
  { person: 'san-r2', profile: 'musculoskeletal', companion: false },
];

export async function seed(knex: Knex): Promise<void> {
  for (const s of SANATORIUMS) {
    const org = (await knex('organisations')
      .where({ bin: organisationByKey(s.org).bin })
      .first('id', 'region')) as { id: number; region: string } | undefined;
    if (!org) throw new Error(`organisation ${s.org} is not seeded`);
    await knex('sanatoriums').insert({
      organisation_id: org.id,
      name: s.name,
      region: org.region,
      locality: s.locality,
      address: s.address,
      profiles: s.profiles,
      description: s.description,
      ...s.access,
      published: true,
    });
    for (const [offset, days, places, companion, price, companionPrice, full] of s.periods) {
      await knex('sanatorium_periods').insert({
        organisation_id: org.id,
        starts_on: knex.raw(
          `((date_trunc('month', now() at time zone 'Asia/Almaty') + interval '1 month')::date + ?::int)`,
          [offset],
        ),
        days,
        places,
        companion_places: companion,
        booked: full ? places : 0,
        companion_booked: 0,
        price_tiyn: price * 100,
        companion_price_tiyn: companionPrice * 100,
      });
    }
  }
  for (const t of TERMS) {
    const person = (await knex('persons')
      .where({ iin: personByKey(t.person).iin })
      .first('id')) as { id: number };
    const measure = (await knex('ipr_measures')
      .where({ person_id: person.id, help_type: 'SANATORIUM' })
      .first('id')) as { id: number } | undefined;
    if (!measure) throw new Error(`${t.person} has no sanatorium measure`);
    await knex('sanatorium_measure_terms').insert({
      measure_id: measure.id,
      profile: t.profile,
      companion_allowed: t.companion,
    });
  }
}
