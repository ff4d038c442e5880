import type { Knex } from 'knex';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { devRegistryPerson } from '../src/devstand/integrations.js';
import { HELP_TYPES } from '../migrations/20261125000500_create_entitlements_and_orders.js';

/**
 * The dev stand's people: persons as the registries know them, their roles, organisations,
 * guardianships, and an IPR for every recipient with the measures people.ts gives them.
 */
export async function seed(knex: Knex): Promise<void> {
  const orgIds = new Map<string, number>();
  for (const o of ORGANISATIONS) {
    const [row] = (await knex('organisations')
      .insert({
        bin: o.bin,
        name: o.name,
        head: o.head,
        address: JSON.stringify(o.address),
        region: o.address.region,
        locality: o.address.locality,
        activity_code: o.activityCode,
        directions: o.directions,
        phone: o.phone,
      })
      .returning('id')) as { id: number }[];
    orgIds.set(o.key, row!.id);
  }

  const personIds = new Map<string, number>();
  for (const p of PEOPLE) {
    const r = devRegistryPerson(p.iin)!;
    const [row] = (await knex('persons')
      .insert({
        iin: p.iin,
        surname: p.surname,
        name: p.name,
        patronymic: p.patronymic ?? null,
        birth_date: p.birthDate,
        sex: p.sex,
        address: JSON.stringify(p.address),
        region: p.address.region,
        locality: p.address.locality,
        id_document: JSON.stringify(r.idDocument),
        bank_details: JSON.stringify(r.bankDetails),
        medical_org: JSON.stringify(r.medicalOrg),
        phone: p.phone,
        email: p.email ?? null,
        registry_synced_at: knex.fn.now(),
      })
      .returning('id')) as { id: number }[];
    personIds.set(p.key, row!.id);
  }

  for (const p of PEOPLE) {
    const personId = personIds.get(p.key)!;
    for (const role of p.roles) {
      await knex('person_roles').insert({
        person_id: personId,
        role,
        organisation_id:
          role === 'employee' && p.org
            ? orgIds.get(p.org)!
            : role === 'specialist' && p.worksFor
              ? orgIds.get(p.worksFor)!
              : null,
      });
    }
    for (const ward of p.wards ?? []) {
      await knex('guardianships').insert({
        guardian_id: personId,
        ward_id: personIds.get(ward)!,
        basis: 'Решение органа опеки и попечительства',
      });
    }
  }
  // a guardian's ward is a recipient the guardian acts for
  const volumes: Record<string, number> = {
    hours: 60,
    items: 1,
    days: 365,
    tiyn: 4_500_000,
  };
  let n = 0;
  for (const p of PEOPLE.filter((x) => x.roles.includes('recipient'))) {
    const personId = personIds.get(p.key)!;
    const [ipr] = (await knex('iprs')
      .insert({
        external_id: `ESOBES-IPR-${p.key.toUpperCase()}`,
        person_id: personId,
        developed_on: '2026-09-01',
        valid_until: '2027-08-31',
      })
      .returning('id')) as { id: number }[];
    // exactly the measures the start page names for the person (src/devstand/people.ts)
    for (const h of HELP_TYPES.filter((x) => (p.measures as string[]).includes(x.code))) {
      n++;
      const volume = h.code === 'UIP' ? 120 : h.code === 'SANATORIUM' ? 21 : volumes[h.unit]!;
      await knex('ipr_measures').insert({
        external_id: `ESOBES-M-${p.key.toUpperCase()}-${h.code}`,
        ipr_id: ipr!.id,
        person_id: personId,
        help_type: h.code,
        volume,
        deadline: '2027-08-31',
        status: 'open',
        notified_at: knex.raw(`now() - interval '${(n % 20) + 1} days'`),
      });
    }
  }
}
