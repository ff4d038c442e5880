import type { Knex } from 'knex';
import { PEOPLE } from '../src/devstand/people.js';

/**
 * Reaching everyone (rules, item 9): the regions of the demo employees of local executive bodies, and
 * for each demo recipient the БМГ has no phone for, the «choose a supplier» notice of each measure of
 * their IPR, which could not be sent and waits in their region's list (as the notifier records it).
 */
export async function seed(knex: Knex): Promise<void> {
  for (const p of PEOPLE.filter((x) => x.executiveRegion)) {
    const person = (await knex('persons').where({ iin: p.iin }).first('id')) as { id: number };
    await knex('local_executive_regions').insert({ person_id: person.id, region: p.executiveRegion });
  }
  for (const p of PEOPLE.filter((x) => x.noPhone)) {
    const measures = (await knex('ipr_measures as m')
      .join('persons as p', 'p.id', 'm.person_id')
      .join('help_types as h', 'h.code', 'm.help_type')
      .where('p.iin', p.iin)
      .orderBy('m.id')
      .select('m.id', 'm.person_id', 'm.notified_at', 'p.region', 'h.name_ru', 'h.name_kk', 'h.name_en')) as {
      id: number;
      person_id: number;
      notified_at: Date;
      region: string;
      name_ru: string;
      name_kk: string;
      name_en: string;
    }[];
    for (const m of measures) {
      const until = new Date(m.notified_at.getTime() + 60 * 86_400_000);
      await knex('unreachable_notices').insert({
        person_id: m.person_id,
        region: m.region,
        notice_key: 'entitlements:sms.chooseSupplier',
        params: JSON.stringify({
          helpType_ru: m.name_ru,
          helpType_kk: m.name_kk,
          helpType_en: m.name_en,
          until: until.toISOString().slice(0, 10).split('-').reverse().join('.'),
        }),
        idempotency_key: `ipr-measure:${m.id}:notice:${m.notified_at.getTime()}`,
        object_type: 'ipr-measure',
        object_id: m.id,
        created_at: m.notified_at,
      });
    }
  }
}
