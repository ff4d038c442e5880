import type { Knex } from 'knex';
import { PEOPLE } from '../src/devstand/people.js';

/**
 * The specialists' registry of the dev stand: the demo specialists (s01..s06 self-employed, s07..s09
 * working for organisations) with their kind, region and locality; s03 has a pending application for
 * exclusion (so she can only reject orders).
 */
export async function seed(knex: Knex): Promise<void> {
  for (const p of PEOPLE.filter((x) => x.specialistKind)) {
    const person = (await knex('persons').where({ iin: p.iin }).first('id')) as { id: number } | undefined;
    if (!person) continue;
    await knex('specialists').insert({
      person_id: person.id,
      kind: p.specialistKind,
      region: p.address.region,
      locality: p.address.locality,
      status: 'active',
      included_on: '2026-01-15',
    });
    if (p.pendingExclusion) {
      await knex('specialist_applications').insert({
        person_id: person.id,
        kind: p.specialistKind,
        type: 'exclusion',
        status: 'pending',
        reason: 'Переезд в другой регион',
        submitted_at: '2026-11-02T09:00:00+05:00',
      });
    }
  }
}
