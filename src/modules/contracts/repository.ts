import type { Knex } from 'knex';
import type { ContractStatus, ActStatus, ServiceForm } from './rules.js';

type Db = Knex | Knex.Transaction;

export interface LocalName {
  ru: string;
  kk: string;
  en: string;
}

export interface ProgrammeRow {
  id: number;
  external_id: string;
  person_id: number;
  category: 'disability' | 'elderly';
  number: string;
  developed_on: string;
  valid_until: string;
  revision: number;
  received_at: Date;
  updated_at: Date;
}

export interface ProgrammeServiceRow {
  id: number;
  programme_id: number;
  external_id: string;
  code: string;
  name: LocalName;
  form: ServiceForm;
  volume: number;
  period_from: string;
  period_to: string;
  withdrawn: boolean;
  sort: number;
}

export interface ContractRow {
  id: number;
  number: string | null;
  programme_id: number;
  person_id: number;
  organisation_id: number;
  requested_by: number;
  requested_at: Date;
  status: ContractStatus;
  is_open: boolean;
  valid_from: string | null;
  valid_to: string | null;
  provider_document_id: number | null;
  recipient_document_id: number | null;
  reason: string | null;
  version: number;
  status_changed_at: Date;
}

/** A contract with the names its pages show. */
export interface ContractView extends ContractRow {
  organisation_name: string;
  organisation_bin: string;
  organisation_region: string;
  person_name: string;
  person_iin: string;
  programme_number: string;
}

export interface ContractServiceView {
  id: number;
  contract_id: number;
  programme_service_id: number;
  volume: number;
  rendered: number;
  code: string;
  name: LocalName;
  form: ServiceForm;
}

export interface ActRow {
  id: number;
  contract_id: number;
  status: ActStatus;
  items: { serviceId: number; code: string; name: LocalName; quantity: number; recordIds: number[] }[];
  formed_by: number;
  formed_at: Date;
  signed_document_id: number | null;
  dispute_reason: string | null;
  decided_at: Date | null;
}

export interface RecordRow {
  id: number;
  contract_id: number;
  contract_service_id: number;
  rendered_on: string;
  quantity: number;
  recorded_by: number;
  recorded_at: Date;
  act_id: number | null;
}

export interface ContractEventRow {
  id: number;
  contract_id: number;
  at: Date;
  actor_id: number | null;
  principal_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  signed_document_id: number | null;
}

const PERSON_NAME = `trim(concat_ws(' ', p.surname, p.name, p.patronymic))`;

/** Knex for the programme (ИППСУ) and contract tables; every method takes a Knex or a transaction. */
export class ContractsRepository {
  // programmes -------------------------------------------------------------------------------------

  async programmeByExternalId(db: Db, externalId: string): Promise<ProgrammeRow | undefined> {
    return (await db('ssu_programmes').where({ external_id: externalId }).first()) as
      ProgrammeRow | undefined;
  }

  /** The person's programme in force: the newest by its development date. */
  async currentProgramme(db: Db, personId: number): Promise<ProgrammeRow | undefined> {
    return (await db('ssu_programmes')
      .where({ person_id: personId })
      .orderBy([
        { column: 'developed_on', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first()) as ProgrammeRow | undefined;
  }

  async programmeById(db: Db, id: number): Promise<ProgrammeRow | undefined> {
    return (await db('ssu_programmes').where({ id }).first()) as ProgrammeRow | undefined;
  }

  async programmeServices(db: Db, programmeId: number): Promise<ProgrammeServiceRow[]> {
    return (await db('ssu_programme_services')
      .where({ programme_id: programmeId })
      .orderBy(['sort', 'id'])) as ProgrammeServiceRow[];
  }

  /** Per programme service: what the contracts hold (open ones) and what was rendered under any contract. */
  async programmeUsage(
    db: Db,
    programmeId: number,
  ): Promise<Map<number, { held: number; rendered: number; heldBy: Map<number, number> }>> {
    const rows = (await db('ssu_contract_services as cs')
      .join('ssu_contracts as c', 'c.id', 'cs.contract_id')
      .where('c.programme_id', programmeId)
      .select('cs.programme_service_id', 'cs.volume', 'cs.rendered', 'c.id as contract_id', 'c.is_open')) as {
      programme_service_id: number;
      volume: number;
      rendered: number;
      contract_id: number;
      is_open: boolean;
    }[];
    const out = new Map<number, { held: number; rendered: number; heldBy: Map<number, number> }>();
    for (const r of rows) {
      const u = out.get(r.programme_service_id) ?? { held: 0, rendered: 0, heldBy: new Map() };
      // an open contract holds its volume; a closed one only what was rendered under it
      const held = r.is_open ? r.volume : r.rendered;
      u.held += held;
      u.heldBy.set(r.contract_id, held);
      u.rendered += r.rendered;
      out.set(r.programme_service_id, u);
    }
    return out;
  }

  async programmeProviders(db: Db, programmeId: number) {
    return (await db('ssu_programme_providers as pp')
      .join('organisations as o', 'o.id', 'pp.organisation_id')
      .where('pp.programme_id', programmeId)
      .orderBy(['pp.sort', 'o.name'])
      .select('o.id', 'o.name', 'o.region', 'o.bin')) as {
      id: number;
      name: string;
      region: string;
      bin: string;
    }[];
  }

  async insertProgramme(
    tx: Knex.Transaction,
    row: Omit<ProgrammeRow, 'id' | 'revision' | 'received_at' | 'updated_at'> & { at: Date },
  ): Promise<ProgrammeRow> {
    const { at, ...values } = row;
    const [r] = (await tx('ssu_programmes')
      .insert({ ...values, received_at: at, updated_at: at })
      .returning('*')) as ProgrammeRow[];
    return r!;
  }

  async updateProgramme(
    tx: Knex.Transaction,
    id: number,
    values: Partial<Pick<ProgrammeRow, 'number' | 'developed_on' | 'valid_until' | 'category'>> & {
      at: Date;
    },
  ): Promise<void> {
    const { at, ...rest } = values;
    await tx('ssu_programmes')
      .where({ id })
      .update({ ...rest, updated_at: at, revision: tx.raw('revision + 1') });
  }

  async upsertProgrammeService(
    tx: Knex.Transaction,
    programmeId: number,
    s: Omit<ProgrammeServiceRow, 'id' | 'programme_id' | 'withdrawn'>,
  ): Promise<void> {
    await tx('ssu_programme_services')
      .insert({ ...s, name: JSON.stringify(s.name), programme_id: programmeId, withdrawn: false })
      .onConflict(['programme_id', 'external_id'])
      .merge(['code', 'name', 'form', 'volume', 'period_from', 'period_to', 'withdrawn', 'sort']);
  }

  async withdrawProgrammeServices(tx: Knex.Transaction, ids: number[]): Promise<void> {
    if (ids.length) await tx('ssu_programme_services').whereIn('id', ids).update({ withdrawn: true });
  }

  async setProgrammeProviders(
    tx: Knex.Transaction,
    programmeId: number,
    organisationIds: number[],
  ): Promise<void> {
    await tx('ssu_programme_providers').where({ programme_id: programmeId }).delete();
    if (organisationIds.length)
      await tx('ssu_programme_providers').insert(
        organisationIds.map((organisation_id, sort) => ({
          programme_id: programmeId,
          organisation_id,
          sort,
        })),
      );
  }

  async organisationIdsByBin(
    db: Db,
    bins: string[],
  ): Promise<Map<string, { id: number; directions: string[] }>> {
    const rows = (await db('organisations').whereIn('bin', bins).select('id', 'bin', 'directions')) as {
      id: number;
      bin: string;
      directions: string[];
    }[];
    return new Map(rows.map((r) => [r.bin, { id: r.id, directions: r.directions }]));
  }

  // providers --------------------------------------------------------------------------------------

  /** Organisations of the special social services direction, optionally by a part of the name. */
  async providers(db: Db, query: string | null, limit = 20) {
    const q = db('organisations as o')
      .whereRaw(`'special_social_services' = any(o.directions)`)
      .where('o.status', 'active')
      .orderBy('o.name')
      .limit(limit)
      .select('o.id', 'o.name', 'o.region', 'o.bin');
    if (query) q.whereRaw(`o.name ilike ?`, [`%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
    return (await q) as { id: number; name: string; region: string; bin: string }[];
  }

  async provider(db: Db, id: number) {
    return (await db('organisations as o')
      .where('o.id', id)
      .whereRaw(`'special_social_services' = any(o.directions)`)
      .where('o.status', 'active')
      .first('o.id', 'o.name', 'o.region', 'o.bin')) as
      { id: number; name: string; region: string; bin: string } | undefined;
  }

  // contracts --------------------------------------------------------------------------------------

  private viewQuery(db: Db) {
    return db('ssu_contracts as c')
      .join('organisations as o', 'o.id', 'c.organisation_id')
      .join('persons as p', 'p.id', 'c.person_id')
      .join('ssu_programmes as g', 'g.id', 'c.programme_id')
      .select(
        'c.*',
        'o.name as organisation_name',
        'o.bin as organisation_bin',
        'o.region as organisation_region',
        db.raw(`${PERSON_NAME} as person_name`),
        'p.iin as person_iin',
        'g.number as programme_number',
      );
  }

  async view(db: Db, id: number): Promise<ContractView | undefined> {
    return (await this.viewQuery(db).where('c.id', id).first()) as ContractView | undefined;
  }

  async forPerson(db: Db, personId: number): Promise<ContractView[]> {
    return (await this.viewQuery(db)
      .where('c.person_id', personId)
      .orderBy('c.requested_at', 'desc')
      .orderBy('c.id', 'desc')) as ContractView[];
  }

  async forOrganisation(db: Db, organisationId: number): Promise<ContractView[]> {
    return (await this.viewQuery(db)
      .where('c.organisation_id', organisationId)
      .orderBy('c.requested_at', 'desc')
      .orderBy('c.id', 'desc')) as ContractView[];
  }

  async lock(tx: Knex.Transaction, id: number): Promise<ContractRow | undefined> {
    return (await tx('ssu_contracts').where({ id }).forUpdate().first()) as ContractRow | undefined;
  }

  async insertContract(
    tx: Knex.Transaction,
    c: Pick<ContractRow, 'programme_id' | 'person_id' | 'organisation_id' | 'requested_by'> & { at: Date },
  ): Promise<ContractRow> {
    const [row] = (await tx('ssu_contracts')
      .insert({
        programme_id: c.programme_id,
        person_id: c.person_id,
        organisation_id: c.organisation_id,
        requested_by: c.requested_by,
        requested_at: c.at,
        status: 'requested',
        status_changed_at: c.at,
      })
      .returning('*')) as ContractRow[];
    return row!;
  }

  async update(tx: Knex.Transaction, id: number, values: Partial<ContractRow>): Promise<void> {
    await tx('ssu_contracts')
      .where({ id })
      .update({ ...values, version: tx.raw('version + 1') });
  }

  async addEvent(tx: Knex.Transaction, e: Omit<ContractEventRow, 'id'>): Promise<void> {
    await tx('ssu_contract_events').insert(e);
  }

  async events(db: Db, contractId: number): Promise<ContractEventRow[]> {
    return (await db('ssu_contract_events')
      .where({ contract_id: contractId })
      .orderBy('id')) as ContractEventRow[];
  }

  async services(db: Db, contractId: number): Promise<ContractServiceView[]> {
    return (await db('ssu_contract_services as cs')
      .join('ssu_programme_services as s', 's.id', 'cs.programme_service_id')
      .where('cs.contract_id', contractId)
      .orderBy(['s.sort', 's.id'])
      .select(
        'cs.id',
        'cs.contract_id',
        'cs.programme_service_id',
        'cs.volume',
        'cs.rendered',
        's.code',
        's.name',
        's.form',
      )) as ContractServiceView[];
  }

  async replaceServices(
    tx: Knex.Transaction,
    contractId: number,
    list: { programmeServiceId: number; volume: number }[],
  ): Promise<void> {
    await tx('ssu_contract_services').where({ contract_id: contractId }).delete();
    if (list.length)
      await tx('ssu_contract_services').insert(
        list.map((l) => ({
          contract_id: contractId,
          programme_service_id: l.programmeServiceId,
          volume: l.volume,
        })),
      );
  }

  /** Open contracts past their last day (the expiry job). */
  async lapsedIds(db: Db, today: string): Promise<number[]> {
    const rows = (await db('ssu_contracts')
      .whereIn('status', ['provider_signed', 'active'])
      .where('valid_to', '<', today)
      .select('id')) as { id: number }[];
    return rows.map((r) => r.id);
  }

  // records and acts -------------------------------------------------------------------------------

  async insertRecord(tx: Knex.Transaction, r: Omit<RecordRow, 'id' | 'act_id'>): Promise<RecordRow> {
    const [row] = (await tx('ssu_service_records').insert(r).returning('*')) as RecordRow[];
    return row!;
  }

  async records(db: Db, contractId: number): Promise<RecordRow[]> {
    return (await db('ssu_service_records')
      .where({ contract_id: contractId })
      .orderBy([
        { column: 'rendered_on', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])) as RecordRow[];
  }

  async acts(db: Db, contractId: number): Promise<ActRow[]> {
    return (await db('ssu_acts').where({ contract_id: contractId }).orderBy('id')) as ActRow[];
  }

  async lockAct(tx: Knex.Transaction, id: number): Promise<ActRow | undefined> {
    return (await tx('ssu_acts').where({ id }).forUpdate().first()) as ActRow | undefined;
  }

  async insertAct(
    tx: Knex.Transaction,
    a: Pick<ActRow, 'contract_id' | 'items' | 'formed_by' | 'formed_at'>,
  ): Promise<ActRow> {
    const [row] = (await tx('ssu_acts')
      .insert({ ...a, items: JSON.stringify(a.items), status: 'formed' })
      .returning('*')) as ActRow[];
    return row!;
  }

  async updateAct(tx: Knex.Transaction, id: number, values: Partial<ActRow>): Promise<void> {
    await tx('ssu_acts').where({ id }).update(values);
  }

  async markRecordsActed(tx: Knex.Transaction, recordIds: number[], actId: number): Promise<void> {
    if (recordIds.length)
      await tx('ssu_service_records').whereIn('id', recordIds).whereNull('act_id').update({ act_id: actId });
  }
}
