import type { Knex } from 'knex';
import { rowById } from '../shared/rows.js';
import type { RegistryPerson } from '../../integrations/ports.js';
import type { Role } from '../../lib/actor.js';

export interface PersonRow {
  id: number;
  iin: string;
  surname: string;
  name: string;
  patronymic: string | null;
  birth_date: string;
  sex: 'M' | 'F';
  address: { region: string; locality: string; street: string; house: string; flat?: string };
  /** the address of temporary registration, where the person registry has one */
  temporary_address: {
    region: string;
    locality: string;
    street: string;
    house: string;
    flat?: string;
    validUntil?: string;
  } | null;
  region: string;
  locality: string;
  id_document: Record<string, string>;
  bank_details: Record<string, string>;
  medical_org: Record<string, string>;
  phone: string | null;
  email: string | null;
  notify_channel: 'sms' | 'email';
  locale: 'ru' | 'kk' | 'en';
  registry_synced_at: Date | null;
  account_created_at: Date | null;
  welcomed_at: Date | null;
  last_login_at: Date | null;
  created_at: Date;
}

export interface OrganisationRow {
  id: number;
  bin: string;
  name: string;
  head: string;
  address: { region: string; locality: string; street: string; house: string };
  region: string;
  locality: string;
  activity_code: string;
  directions: string[];
  phone: string | null;
  /** computed from `status` (active only while the status is 'active') */
  active: boolean;
  /** the administrator's decision: suspended takes no new orders, excluded is final */
  status: 'active' | 'suspended' | 'excluded';
  status_reason: string | null;
  /** 'entrepreneur': an individual entrepreneur (bin = the IIN), who signs with the personal key */
  kind?: 'legal' | 'entrepreneur';
}

/** A cached guardianship: the registry's last answer about a pair, and when it was given. */
export interface GuardianshipRow {
  id: number;
  guardian_id: number;
  ward_id: number;
  kind: 'guardianship' | 'trusteeship';
  basis: string;
  decision_number: string;
  decision_date: string | null;
  authority: string;
  valid_from: string | null;
  valid_until: string | null;
  checked_at: Date | null;
}

export interface WardRow extends PersonRow {
  guardianship_kind: 'guardianship' | 'trusteeship';
  decision_number: string;
  decision_date: string | null;
  authority: string;
}

/** Guardianships (alias g) in force on `today`: begun, and not past the decision's term. */
function inForce<Q extends Knex.QueryBuilder>(q: Q, today: string): Q {
  return q
    .andWhere((w) => w.whereNull('g.valid_from').orWhere('g.valid_from', '<=', today))
    .andWhere((w) => w.whereNull('g.valid_until').orWhere('g.valid_until', '>=', today)) as Q;
}

export class PeopleRepository {
  async findById(db: Knex | Knex.Transaction, id: number): Promise<PersonRow | undefined> {
    return rowById<PersonRow>(db, 'persons', id);
  }

  async findByIin(db: Knex | Knex.Transaction, iin: string): Promise<PersonRow | undefined> {
    return (await db('persons').where({ iin }).first()) as PersonRow | undefined;
  }

  /** Creates or refreshes a person from the state registry (the registry's fields win; contacts stay). */
  async upsertFromRegistry(
    db: Knex | Knex.Transaction,
    r: RegistryPerson,
    phone: string | null,
    at: Date,
  ): Promise<PersonRow> {
    const [row] = (await db('persons')
      .insert({
        iin: r.iin,
        surname: r.surname,
        name: r.name,
        patronymic: r.patronymic ?? null,
        birth_date: r.birthDate,
        sex: r.sex,
        address: JSON.stringify(r.address),
        temporary_address: r.temporaryAddress ? JSON.stringify(r.temporaryAddress) : null,
        region: r.address.region,
        locality: r.address.locality,
        id_document: JSON.stringify(r.idDocument),
        bank_details: JSON.stringify(r.bankDetails),
        medical_org: JSON.stringify(r.medicalOrg),
        phone,
        registry_synced_at: at,
      })
      .onConflict('iin')
      .merge([
        'surname',
        'name',
        'patronymic',
        'birth_date',
        'sex',
        'address',
        'temporary_address',
        'region',
        'locality',
        'id_document',
        'bank_details',
        'medical_org',
        'registry_synced_at',
      ])
      .returning('*')) as PersonRow[];
    if (row && !row.phone && phone) {
      await db('persons').where({ id: row.id }).update({ phone });
      row.phone = phone;
    }
    return row!;
  }

  async roles(
    db: Knex | Knex.Transaction,
    personId: number,
  ): Promise<{ role: Role; organisation_id: number | null; status: 'active' | 'suspended' }[]> {
    return (await db('person_roles')
      .where({ person_id: personId })
      .select('role', 'organisation_id', 'status')) as {
      role: Role;
      organisation_id: number | null;
      status: 'active' | 'suspended';
    }[];
  }

  async grantRole(
    db: Knex | Knex.Transaction,
    personId: number,
    role: Role,
    organisationId: number | null = null,
  ): Promise<void> {
    await db.raw(
      `insert into person_roles (person_id, role, organisation_id) values (?, ?, ?)
       on conflict (person_id, role, coalesce(organisation_id, 0)) do nothing`,
      [personId, role, organisationId],
    );
  }

  /**
   * The wards of a guardian whose guardianship is in force on `today` (YYYY-MM-DD, Astana), each with
   * the decision it rests on.
   */
  async wards(db: Knex | Knex.Transaction, guardianId: number, today: string): Promise<WardRow[]> {
    return (await inForce(
      db('guardianships as g').join('persons as p', 'p.id', 'g.ward_id').where('g.guardian_id', guardianId),
      today,
    )
      .orderBy('p.surname')
      .select(
        'p.*',
        'g.kind as guardianship_kind',
        'g.decision_number',
        'g.decision_date',
        'g.authority',
      )) as WardRow[];
  }

  /**
   * Whether the cached guardianship is in force; with `today` (YYYY-MM-DD, Astana) its dates are
   * checked too (without: that the registry's last answer held it).
   */
  async isGuardianOf(
    db: Knex | Knex.Transaction,
    guardianId: number,
    wardId: number,
    today?: string,
  ): Promise<boolean> {
    const q = db('guardianships as g').where({ 'g.guardian_id': guardianId, 'g.ward_id': wardId });
    return Boolean(await (today ? inForce(q, today) : q).first('g.id'));
  }

  /** The cached guardianship of a pair, if the registry's last answer held it. */
  async guardianship(
    db: Knex | Knex.Transaction,
    guardianId: number,
    wardId: number,
  ): Promise<GuardianshipRow | undefined> {
    return (await db('guardianships').where({ guardian_id: guardianId, ward_id: wardId }).first()) as
      GuardianshipRow | undefined;
  }

  /**
   * The registry's answer about a guardian replaces the cache: the guardianships in force are
   * written (checked now), every other cached one of this guardian is deleted.
   */
  async replaceGuardianships(
    tx: Knex.Transaction,
    guardianId: number,
    rows: {
      wardId: number;
      kind: 'guardianship' | 'trusteeship';
      decisionNumber: string;
      decisionDate: string;
      authority: string;
      validFrom: string;
      validUntil: string | null;
    }[],
    checkedAt: Date,
  ): Promise<void> {
    await tx('guardianships')
      .where({ guardian_id: guardianId })
      .whereNotIn(
        'ward_id',
        rows.map((r) => r.wardId),
      )
      .delete();
    for (const r of rows) {
      await tx('guardianships')
        .insert({
          guardian_id: guardianId,
          ward_id: r.wardId,
          kind: r.kind,
          basis: `${r.authority}, № ${r.decisionNumber}`,
          decision_number: r.decisionNumber,
          decision_date: r.decisionDate,
          authority: r.authority,
          valid_from: r.validFrom,
          valid_until: r.validUntil,
          checked_at: checkedAt,
        })
        .onConflict(['guardian_id', 'ward_id'])
        .merge();
    }
  }

  async revokeRole(db: Knex | Knex.Transaction, personId: number, role: Role): Promise<void> {
    await db('person_roles').where({ person_id: personId, role }).whereNull('organisation_id').delete();
  }

  async organisationByBin(db: Knex | Knex.Transaction, bin: string): Promise<OrganisationRow | undefined> {
    return (await db('organisations').where({ bin }).first()) as OrganisationRow | undefined;
  }

  async organisationById(db: Knex | Knex.Transaction, id: number): Promise<OrganisationRow | undefined> {
    return rowById<OrganisationRow>(db, 'organisations', id);
  }
}
