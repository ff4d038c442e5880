import type { Knex } from 'knex';
import type { Direction } from '../directory/lists.js';

export type SupplierKind = 'legal' | 'entrepreneur';
export type ApplicationStatus = 'submitted' | 'approved' | 'refused';

export interface SupplierApplicationRow {
  id: number;
  kind: SupplierKind;
  bin: string;
  applicant_id: number;
  status: ApplicationStatus;
  name: string;
  activity_code: string;
  available_directions: Direction[];
  registry_data: Record<string, unknown>;
  signed_document_id: number;
  submitted_at: Date;
  decided_by: number | null;
  decided_at: Date | null;
  decision_document_id: number | null;
  refusal_reason: string | null;
  organisation_id: number | null;
}

export interface OrganisationCardRow {
  id: number;
  bin: string;
  name: string;
  head: string;
  kind: SupplierKind;
  address: { region: string; locality: string; street: string; house: string };
  activity_code: string;
  other_activity_codes: string[];
  directions: Direction[];
  available_directions: Direction[];
  directions_reason: string | null;
  directions_narrowed_at: Date | null;
  registry_data: Record<string, unknown>;
  active: boolean;
}

/** Supplier applications and the organisation card's columns. */
export class RegistrationRepository {
  async insertApplication(
    tx: Knex.Transaction,
    row: Omit<
      SupplierApplicationRow,
      | 'id'
      | 'status'
      | 'decided_by'
      | 'decided_at'
      | 'decision_document_id'
      | 'refusal_reason'
      | 'organisation_id'
      | 'registry_data'
    > & { registry_data: string },
  ): Promise<SupplierApplicationRow> {
    const [r] = (await tx('supplier_applications').insert(row).returning('*')) as SupplierApplicationRow[];
    return r!;
  }

  async application(db: Knex | Knex.Transaction, id: number): Promise<SupplierApplicationRow | undefined> {
    return (await db('supplier_applications').where({ id }).first()) as SupplierApplicationRow | undefined;
  }

  async lockApplication(tx: Knex.Transaction, id: number): Promise<SupplierApplicationRow | undefined> {
    return (await tx('supplier_applications').where({ id }).forUpdate().first()) as
      SupplierApplicationRow | undefined;
  }

  /** The applications for a БИН/ИИН, newest first. */
  async applicationsFor(db: Knex | Knex.Transaction, bin: string): Promise<SupplierApplicationRow[]> {
    return (await db('supplier_applications')
      .where({ bin })
      .orderBy('id', 'desc')) as SupplierApplicationRow[];
  }

  async applicationsOf(db: Knex | Knex.Transaction, applicantId: number): Promise<SupplierApplicationRow[]> {
    return (await db('supplier_applications')
      .where({ applicant_id: applicantId })
      .orderBy('id', 'desc')
      .limit(20)) as SupplierApplicationRow[];
  }

  async list(
    db: Knex | Knex.Transaction,
    status: 'submitted' | 'decided',
  ): Promise<(SupplierApplicationRow & { applicant_name: string })[]> {
    const q = db('supplier_applications as a')
      .join('persons as p', 'p.id', 'a.applicant_id')
      .select('a.*', db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as applicant_name`));
    if (status === 'submitted') q.where('a.status', 'submitted').orderBy('a.submitted_at');
    else q.whereNot('a.status', 'submitted').orderBy('a.decided_at', 'desc').limit(100);
    return (await q) as (SupplierApplicationRow & { applicant_name: string })[];
  }

  async decide(
    tx: Knex.Transaction,
    id: number,
    change: {
      status: 'approved' | 'refused';
      decided_by: number;
      decided_at: Date;
      decision_document_id: number;
      refusal_reason?: string | null;
      organisation_id?: number | null;
    },
  ): Promise<void> {
    await tx('supplier_applications').where({ id, status: 'submitted' }).update(change);
  }

  async insertOrganisation(
    tx: Knex.Transaction,
    row: {
      bin: string;
      kind: SupplierKind;
      name: string;
      head: string;
      address: string;
      region: string;
      locality: string;
      activity_code: string;
      other_activity_codes: string[];
      directions: Direction[];
      available_directions: Direction[];
      registry_data: string;
    },
  ): Promise<number> {
    const [r] = (await tx('organisations').insert(row).returning('id')) as { id: number }[];
    return r!.id;
  }

  /**
   * The approved applicant's grant: an employee of the new organisation who administers its staff
   * (`org_admin`), so that the head can add the organisation's other employees.
   */
  async grantApplicant(
    tx: Knex.Transaction,
    g: { personId: number; organisationId: number; by: number; at: Date },
  ): Promise<void> {
    await tx('person_roles').insert({
      person_id: g.personId,
      organisation_id: g.organisationId,
      role: 'employee',
      org_admin: true,
      granted_by: g.by,
      granted_at: g.at,
      status: 'active',
      status_at: g.at,
    });
  }

  async organisationByBin(db: Knex | Knex.Transaction, bin: string): Promise<{ id: number } | undefined> {
    return (await db('organisations').where({ bin }).first('id')) as { id: number } | undefined;
  }

  async card(db: Knex | Knex.Transaction, id: number): Promise<OrganisationCardRow | undefined> {
    return (await db('organisations').where({ id }).first()) as OrganisationCardRow | undefined;
  }

  async lockCard(tx: Knex.Transaction, id: number): Promise<OrganisationCardRow | undefined> {
    return (await tx('organisations').where({ id }).forUpdate().first()) as OrganisationCardRow | undefined;
  }

  async setDirections(
    tx: Knex.Transaction,
    id: number,
    change: {
      directions: Direction[];
      directions_reason: string | null;
      directions_narrowed_at: Date;
      directions_narrowed_by: number;
      directions_document_id: number;
    },
  ): Promise<void> {
    await tx('organisations').where({ id }).update(change);
  }
}
