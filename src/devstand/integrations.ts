import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { httpESobes } from '../integrations/http.js';
import { isValidS10 } from '../integrations/kazpost.js';
import type {
  DispensaryCertificate,
  EntrepreneurRecord,
  Integrations,
  LegalEntityRecord,
  RegistryGuardianship,
  RegistryPerson,
} from '../integrations/ports.js';
import { ORGANISATIONS, PEOPLE, personByKey, type DemoOrganisation, type DemoPerson } from './people.js';

export function devRegistryPerson(iin: string): RegistryPerson | null {
  const p = PEOPLE.find((x) => x.iin === iin);
  if (!p) return null;
  const n = Number(iin.slice(6, 11));
  return {
    iin: p.iin,
    surname: p.surname,
    name: p.name,
    ...(p.patronymic ? { patronymic: p.patronymic } : {}),
    birthDate: p.birthDate,
    sex: p.sex,
    address: p.address,
    ...(p.temporaryAddress ? { temporaryAddress: p.temporaryAddress } : {}),
    idDocument: {
      type: 'Удостоверение личности',
      number: String(40_000_000 + n).padStart(9, '0'),
      issuedBy: 'МВД РК',
      issuedOn: '2019-03-15',
      validUntil: '2029-03-14',
    },
    bankDetails: {
      bank: 'АО «Народный Банк Казахстана»',
      bic: 'HSBKKZKX',
      iban: `KZ${String(10 + (n % 89)).padStart(2, '0')}601A${String(n).padStart(12, '0')}`,
    },
    medicalOrg: {
      name: `Городская поликлиника № ${1 + (n % 12)}`,
      address: `${p.address.locality}, ${p.address.street}`,
      attachedOn: '2021-01-10',
    },
  };
}

const KZ = 'Республика Казахстан';

/** The dev legal-entity registry's (ГБД ЮЛ) answer: the demo organisation with deterministic defaults. */
export function devLegalEntity(o: DemoOrganisation): LegalEntityRecord {
  const r = o.registry ?? {};
  const head = PEOPLE.find((p) => p.org === o.key);
  const headName = o.head.toLocaleLowerCase('ru');
  const year = `20${o.bin.slice(0, 2)}`;
  const month = o.bin.slice(2, 4);
  const place = `${o.address.locality}, ${o.address.street}, ${o.address.house}`;
  return {
    bin: o.bin,
    name: o.name,
    shortName: r.shortName ?? o.name,
    head: o.head,
    ...(head ? { headIin: head.iin } : {}),
    address: {
      region: o.address.region,
      locality: o.address.locality,
      street: o.address.street,
      house: o.address.house,
    },
    activityCode: o.activityCode,
    otherActivityCodes: r.otherActivityCodes ?? [],
    ownershipForm:
      r.ownershipForm ??
      (o.name.startsWith('КГУ') ? 'Государственная собственность' : 'Частная собственность'),
    formation: r.formation ?? 'Вновь созданное',
    registeredOn: r.registeredOn ?? `${year}-${month}-01`,
    status: r.status ?? 'active',
    // the founder who is the head is named with the head's IIN (the demo person's)
    founders: (r.founders ?? [{ name: o.head, iin: head?.iin ?? '', citizenship: KZ }])
      .map((f) => ({
        ...f,
        iin: head && f.name.toLocaleLowerCase('ru') === headName ? head.iin : f.iin,
      }))
      .filter((f) => f.iin !== ''),
    premises: r.premises ?? [
      {
        address: place,
        right: 'ownership',
        purpose: 'Оказание услуг, хранение товаров',
        registeredOn: `${year}-${month}-15`,
      },
    ],
  };
}

/** The dev entrepreneur registry's answer for a demo person registered as an entrepreneur. */
export function devEntrepreneur(iin: string): EntrepreneurRecord | null {
  const p = PEOPLE.find((x) => x.iin === iin);
  if (!p?.entrepreneur) return null;
  const e = p.entrepreneur;
  return {
    iin: p.iin,
    name: e.name,
    owner: [p.surname, p.name, p.patronymic].filter(Boolean).join(' '),
    address: {
      region: p.address.region,
      locality: p.address.locality,
      street: p.address.street,
      house: p.address.house,
    },
    registeredOn: e.registeredOn,
    registrationNumber: e.registrationNumber,
    taxAuthority: e.taxAuthority,
    activityCode: e.activityCode,
    otherActivityCodes: e.otherActivityCodes,
    status: e.status ?? 'active',
  };
}

/** The dev health registry: every demo person has an answer; the flagged ones are on record. */
export function devDispensaryRecord(iin: string, at: Date): DispensaryCertificate | null {
  const p = PEOPLE.find((x) => x.iin === iin);
  if (!p) return null;
  return {
    iin,
    onRecord: p.dispensaryRecord === true,
    checkedAt: at.toISOString(),
    reference: `ПНД-${iin.slice(6)}`,
  };
}

/** The dev stand's adapters: registries answer from the demo people; messages land in dev_* tables. */
export function devIntegrations(db: Knex): Integrations {
  return {
    personRegistry: { findByIin: async (iin) => devRegistryPerson(iin) },
    organisationRegistry: {
      findByBin: async (bin) => {
        const o = ORGANISATIONS.find((x) => x.bin === bin && x.inRegistry !== false);
        return o ? devLegalEntity(o) : null;
      },
    },
    entrepreneurRegistry: { findByIin: async (iin) => devEntrepreneur(iin) },
    healthRegistry: { dispensaryRecord: async (iin) => devDispensaryRecord(iin, new Date()) },
    mobileBase: { phoneByIin: async (iin) => PEOPLE.find((p) => p.iin === iin)?.phone || null },
    sms: {
      send: async ({ phone, text, idempotencyKey }) => {
        await db('dev_sms')
          .insert({ phone, text, idempotency_key: idempotencyKey })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    email: {
      send: async ({ to, subject, text, idempotencyKey }) => {
        await db('dev_email')
          .insert({ to, subject, text, idempotency_key: idempotencyKey })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    esobes: {
      deliver: async ({ topic, idempotencyKey, payload }) => {
        await db('dev_esobes_inbox')
          .insert({ topic, idempotency_key: idempotencyKey, payload: JSON.stringify(payload) })
          .onConflict('idempotency_key')
          .ignore();
      },
    },
    kazpost: {
      trackingUrl: (track) => `https://post.kz/mail/search/track/${encodeURIComponent(track)}`,
      isValidTrackNumber: isValidS10,
    },
    guardianshipRegistry: devGuardianshipRegistry(db),
  };
}

/** The dev adapters; Е-Собес over HTTP when ESOBES_URL names a test stand of it. */
export function devStandIntegrations(config: Config, db: Knex): Integrations {
  const dev = devIntegrations(db);
  return config.ESOBES_URL ? { ...dev, esobes: httpESobes(config.ESOBES_URL, config.ESOBES_API_TOKEN) } : dev;
}

// ---- guardianships from the state (органы опеки и попечительства)

/** The day a child comes of age: a guardianship of a child ends the day before. */
function dayBeforeEighteenth(birthDate: string): string {
  const d = new Date(`${birthDate}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 18);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * What the dev registry holds for a demo guardian: a guardianship of each of `wards` (in force, a
 * child's until the day before the 18th birthday) and of each of `endedWards` (ended on its day).
 * Deterministic: the decision number comes from the pair's IINs.
 */
export function devGuardianshipsOf(guardian: DemoPerson): RegistryGuardianship[] {
  const record = (wardKey: string, endedOn: string | null): RegistryGuardianship => {
    const ward = personByKey(wardKey);
    const minor = ward.birthDate > '2008-12-31';
    return {
      wardIin: ward.iin,
      kind: minor ? 'guardianship' : 'trusteeship',
      decision: {
        number: `ОП-${Number(guardian.iin.slice(6, 11)) % 9000}/${Number(ward.iin.slice(6, 11)) % 900}`,
        date: '2021-02-15',
        authority: `Орган опеки и попечительства, ${guardian.address.locality}`,
      },
      validFrom: '2021-02-15',
      validUntil: minor ? dayBeforeEighteenth(ward.birthDate) : null,
      endedOn,
    };
  };
  return [
    ...(guardian.wards ?? []).map((w) => record(w, null)),
    ...(guardian.endedWards ?? []).map((e) => record(e.ward, e.endedOn)),
  ];
}

/**
 * The dev stand's guardianship registry: the demo guardians' guardianships, of which those in
 * `dev_guardianship_ends` have ended (endDevGuardianship writes there: the tests, the dev stand).
 */
export function devGuardianshipRegistry(db: Knex): Integrations['guardianshipRegistry'] {
  return {
    wardsOf: async (guardianIin) => {
      const guardian = PEOPLE.find((p) => p.iin === guardianIin);
      if (!guardian) return [];
      const ends = (await db('dev_guardianship_ends')
        .where({ guardian_iin: guardianIin })
        .select('ward_iin', 'ended_on')) as {
        ward_iin: string;
        ended_on: string;
      }[];
      const endedOn = new Map(ends.map((e) => [e.ward_iin, e.ended_on]));
      return devGuardianshipsOf(guardian).map((g) =>
        endedOn.has(g.wardIin) && !g.endedOn ? { ...g, endedOn: endedOn.get(g.wardIin)! } : g,
      );
    },
  };
}

/** The guardianship authority ends a guardianship in the dev registry (from `endedOn`, YYYY-MM-DD). */
export async function endDevGuardianship(
  db: Knex,
  guardianIin: string,
  wardIin: string,
  endedOn: string,
): Promise<void> {
  await db('dev_guardianship_ends')
    .insert({ guardian_iin: guardianIin, ward_iin: wardIin, ended_on: endedOn })
    .onConflict(['guardian_iin', 'ward_iin'])
    .merge(['ended_on']);
}

/** The guardianship authority's decision is undone in the dev registry: the guardianship is in force again. */
export async function restoreDevGuardianship(db: Knex, guardianIin: string, wardIin: string): Promise<void> {
  await db('dev_guardianship_ends').where({ guardian_iin: guardianIin, ward_iin: wardIin }).delete();
}

/** A demo guardianship as the dev stand's page lists it. */
export interface DevGuardianshipRow {
  guardianIin: string;
  guardianName: string;
  wardIin: string;
  wardName: string;
  decision: string;
  validFrom: string;
  validUntil: string | null;
  endedOn: string | null;
}

/** Every guardianship the dev registry holds, with its state now. */
export async function devGuardianships(db: Knex): Promise<DevGuardianshipRow[]> {
  const registry = devGuardianshipRegistry(db);
  const name = (p: DemoPerson) => [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');
  const rows: DevGuardianshipRow[] = [];
  for (const guardian of PEOPLE.filter((p) => p.wards?.length || p.endedWards?.length)) {
    for (const g of await registry.wardsOf(guardian.iin)) {
      const ward = PEOPLE.find((p) => p.iin === g.wardIin)!;
      rows.push({
        guardianIin: guardian.iin,
        guardianName: name(guardian),
        wardIin: ward.iin,
        wardName: name(ward),
        decision: `№ ${g.decision.number}, ${g.decision.authority}`,
        validFrom: g.validFrom,
        validUntil: g.validUntil ?? null,
        endedOn: g.endedOn ?? null,
      });
    }
  }
  return rows;
}
