import type { Knex } from 'knex';
import type { StaffRole, Standing } from './rules.js';

type Db = Knex | Knex.Transaction;

const FULL = (a: string) => `trim(${a}.surname || ' ' || ${a}.name || coalesce(' ' || ${a}.patronymic, ''))`;

export interface GrantView {
  id: number;
  person_id: number;
  role: StaffRole;
  status: 'active' | 'suspended';
  org_admin: boolean;
  granted_at: Date;
  iin: string;
  person_name: string;
}

export interface StaffChangeView {
  id: number;
  person_name: string;
  action: 'added' | 'suspended' | 'resumed' | 'removed';
  role: StaffRole;
  org_admin: boolean;
  by_name: string | null;
  at: Date;
  signed_document_id: number | null;
}

export interface OrganisationStandingRow {
  id: number;
  bin: string;
  name: string;
  directions: string[];
  status: Standing;
  status_reason: string | null;
  status_at: Date | null;
}

/** What an employee's next request is checked against: the grant and the organisation, one query. */
export interface EmployeeAccessRow {
  grant_status: string;
  org_admin: boolean;
  org_status: string;
  org_reason: string | null;
  directions: string[];
}

/** Grants to act for organisations, their history, and the organisations' standing. */
export class ParticipantsRepository {
  async employeeAccess(
    db: Db,
    personId: number,
    organisationId: number,
  ): Promise<EmployeeAccessRow | undefined> {
    return (await db('organisations as o')
      .join('person_roles as r', 'r.organisation_id', 'o.id')
      .where({ 'o.id': organisationId, 'r.person_id': personId, 'r.role': 'employee' })
      .first(
        'r.status as grant_status',
        'r.org_admin',
        'o.status as org_status',
        'o.status_reason as org_reason',
        'o.directions',
      )) as EmployeeAccessRow | undefined;
  }

  async staff(db: Db, organisationId: number): Promise<GrantView[]> {
    return (await db('person_roles as r')
      .join('persons as p', 'p.id', 'r.person_id')
      .where('r.organisation_id', organisationId)
      .whereIn('r.role', ['employee', 'specialist'])
      .orderBy(['p.surname', 'p.name', 'r.role'])
      .select(
        'r.id',
        'r.person_id',
        'r.role',
        'r.status',
        'r.org_admin',
        'r.granted_at',
        'p.iin',
        db.raw(`${FULL('p')} as person_name`),
      )) as GrantView[];
  }

  async grant(db: Db, organisationId: number, id: number): Promise<GrantView | undefined> {
    return (await db('person_roles as r')
      .join('persons as p', 'p.id', 'r.person_id')
      .where({ 'r.id': id, 'r.organisation_id': organisationId })
      .whereIn('r.role', ['employee', 'specialist'])
      .first(
        'r.id',
        'r.person_id',
        'r.role',
        'r.status',
        'r.org_admin',
        'r.granted_at',
        'p.iin',
        db.raw(`${FULL('p')} as person_name`),
      )) as GrantView | undefined;
  }

  async lockGrant(tx: Knex.Transaction, organisationId: number, id: number) {
    return (await tx('person_roles')
      .where({ id, organisation_id: organisationId })
      .whereIn('role', ['employee', 'specialist'])
      .forUpdate()
      .first()) as
      | { id: number; person_id: number; role: StaffRole; status: 'active' | 'suspended'; org_admin: boolean }
      | undefined;
  }

  async hasGrant(db: Db, personId: number, organisationId: number, role: StaffRole): Promise<boolean> {
    return Boolean(
      await db('person_roles')
        .where({ person_id: personId, organisation_id: organisationId, role })
        .first('id'),
    );
  }

  /** Whether the person has an active entry in the specialists' registry (a specialist of an organisation must). */
  async isActiveSpecialist(db: Db, personId: number): Promise<boolean> {
    return Boolean(await db('specialists').where({ person_id: personId, status: 'active' }).first('id'));
  }

  async insertGrant(
    tx: Knex.Transaction,
    g: { personId: number; organisationId: number; role: StaffRole; orgAdmin: boolean; by: number; at: Date },
  ): Promise<number> {
    const [row] = (await tx('person_roles')
      .insert({
        person_id: g.personId,
        organisation_id: g.organisationId,
        role: g.role,
        org_admin: g.role === 'employee' && g.orgAdmin,
        granted_by: g.by,
        granted_at: g.at,
        status: 'active',
        status_at: g.at,
      })
      .returning('id')) as { id: number }[];
    return row!.id;
  }

  async setGrantStatus(tx: Knex.Transaction, id: number, status: 'active' | 'suspended', at: Date) {
    await tx('person_roles').where({ id }).update({ status, status_at: at });
  }

  async deleteGrant(tx: Knex.Transaction, id: number) {
    await tx('person_roles').where({ id }).delete();
  }

  async logChange(
    tx: Knex.Transaction,
    c: {
      organisationId: number;
      personId: number;
      action: StaffChangeView['action'];
      role: StaffRole;
      orgAdmin: boolean;
      by: number;
      signedDocumentId: number;
      at: Date;
    },
  ) {
    await tx('staff_changes').insert({
      organisation_id: c.organisationId,
      person_id: c.personId,
      action: c.action,
      role: c.role,
      org_admin: c.orgAdmin,
      by_person_id: c.by,
      signed_document_id: c.signedDocumentId,
      at: c.at,
    });
  }

  async history(db: Db, organisationId: number, limit = 100): Promise<StaffChangeView[]> {
    return (await db('staff_changes as c')
      .join('persons as p', 'p.id', 'c.person_id')
      .leftJoin('persons as b', 'b.id', 'c.by_person_id')
      .where('c.organisation_id', organisationId)
      .orderBy('c.id', 'desc')
      .limit(limit)
      .select(
        'c.id',
        'c.action',
        'c.role',
        'c.org_admin',
        'c.at',
        'c.signed_document_id',
        db.raw(`${FULL('p')} as person_name`),
        db.raw(`case when b.id is null then null else ${FULL('b')} end as by_name`),
      )) as StaffChangeView[];
  }

  async organisations(db: Db): Promise<OrganisationStandingRow[]> {
    return (await db('organisations')
      .orderBy('name')
      .select(
        'id',
        'bin',
        'name',
        'directions',
        'status',
        'status_reason',
        'status_at',
      )) as OrganisationStandingRow[];
  }

  async organisation(db: Db, id: number): Promise<OrganisationStandingRow | undefined> {
    return (await db('organisations')
      .where({ id })
      .first('id', 'bin', 'name', 'directions', 'status', 'status_reason', 'status_at')) as
      OrganisationStandingRow | undefined;
  }

  async lockOrganisation(tx: Knex.Transaction, id: number): Promise<OrganisationStandingRow | undefined> {
    return (await tx('organisations')
      .where({ id })
      .forUpdate()
      .first('id', 'bin', 'name', 'directions', 'status', 'status_reason', 'status_at')) as
      OrganisationStandingRow | undefined;
  }

  async setOrganisationStanding(
    tx: Knex.Transaction,
    id: number,
    s: { status: Standing; reason: string | null; at: Date; by: number },
  ) {
    await tx('organisations')
      .where({ id })
      .update({ status: s.status, status_reason: s.reason, status_at: s.at, status_by: s.by });
  }

  /** The people who act for an organisation (told of its suspension or exclusion). */
  async employeeIds(db: Db, organisationId: number): Promise<number[]> {
    const rows = (await db('person_roles')
      .where({ organisation_id: organisationId, role: 'employee' })
      .select('person_id')) as { person_id: number }[];
    return rows.map((r) => r.person_id);
  }
}
