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
  ): Promise<{ role: Role; organisation_id: number | null }[]> {
    return (await db('person_roles').where({ person_id: personId }).select('role', 'organisation_id')) as {
      role: Role;
      organisation_id: number | null;
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

  async wards(db: Knex | Knex.Transaction, guardianId: number): Promise<PersonRow[]> {
    return (await db('guardianships as g')
      .join('persons as p', 'p.id', 'g.ward_id')
      .where('g.guardian_id', guardianId)
      .orderBy('p.surname')
      .select('p.*')) as PersonRow[];
  }

  /** With `today` (YYYY-MM-DD, Astana), a guardianship whose valid_until has passed no longer counts. */
  async isGuardianOf(
    db: Knex | Knex.Transaction,
    guardianId: number,
    wardId: number,
    today?: string,
  ): Promise<boolean> {
    const q = db('guardianships').where({ guardian_id: guardianId, ward_id: wardId });
    if (today) q.andWhere((w) => w.whereNull('valid_until').orWhere('valid_until', '>=', today));
    return Boolean(await q.first('id'));
  }

  async organisationByBin(db: Knex | Knex.Transaction, bin: string): Promise<OrganisationRow | undefined> {
    return (await db('organisations').where({ bin }).first()) as OrganisationRow | undefined;
  }

  async organisationById(db: Knex | Knex.Transaction, id: number): Promise<OrganisationRow | undefined> {
    return rowById<OrganisationRow>(db, 'organisations', id);
  }
}
