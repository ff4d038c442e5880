import type { Knex } from 'knex';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { devGuardianshipsOf, devRegistryPerson } from '../src/devstand/integrations.js';
import { HELP_TYPES } from '../migrations/20261125000500_create_entitlements_and_orders.js';
import { SSU_HELP_TYPES } from '../migrations/20261206400200_add_recipient_category_and_ssu.js';

/**
 * The dev stand's people: persons as the registries know them, their roles, organisations,
 * guardianships, and an IPR for every recipient with the measures people.ts gives them (for an
 * elderly person, the special social services recommended to them).
 * The guardianships written here only prefill the cache (never checked: the first request made
 * for a ward, and every login, asks the dev guardianship registry, which is the truth).
 */
export async function seed(knex: Knex): Promise<void> {
  const orgIds = new Map<string, number>();
  // an organisation with `registered: false` is known to the state registry only: it registers itself
  for (const o of ORGANISATIONS.filter((x) => x.registered !== false)) {
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
        available_directions: o.directions,
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
        temporary_address: r.temporaryAddress ? JSON.stringify(r.temporaryAddress) : null,
        region: p.address.region,
        locality: p.address.locality,
        id_document: JSON.stringify(r.idDocument),
        bank_details: JSON.stringify(r.bankDetails),
        medical_org: JSON.stringify(r.medicalOrg),
        phone: p.phone || null,
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
        // the seeded employees administer their organisation's staff (docs/participants.md)
        org_admin: role === 'employee' && Boolean(p.org),
        organisation_id:
          role === 'employee' && p.org
            ? orgIds.get(p.org)!
            : role === 'specialist' && p.worksFor
              ? orgIds.get(p.worksFor)!
              : null,
      });
    }
    for (const g of devGuardianshipsOf(p).filter((x) => !x.endedOn)) {
      await knex('guardianships').insert({
        guardian_id: personId,
        ward_id: personIds.get(PEOPLE.find((x) => x.iin === g.wardIin)!.key)!,
        kind: g.kind,
        basis: `${g.decision.authority}, № ${g.decision.number}`,
        decision_number: g.decision.number,
        decision_date: g.decision.date,
        authority: g.decision.authority,
        valid_from: g.validFrom,
        valid_until: g.validUntil ?? null,
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
        external_id: `${p.category === 'elderly' ? 'ESOBES-SSU' : 'ESOBES-IPR'}-${p.key.toUpperCase()}`,
        person_id: personId,
        developed_on: '2026-09-01',
        valid_until: '2027-08-31',
        category: p.category ?? 'disability',
      })
      .returning('id')) as { id: number }[];
    // exactly the measures the start page names for the person (src/devstand/people.ts)
    for (const h of [...HELP_TYPES, ...SSU_HELP_TYPES].filter((x) =>
      (p.measures as string[]).includes(x.code),
    )) {
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
