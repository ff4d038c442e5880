import { ORDER_LIST_COLUMNS } from '../orders/orders-repository.js';
import type { Knex } from 'knex';
import { LIVE_MEASURE_SQL, type MeasureRow } from '../entitlements/measures.js';
import type { PersonRow } from '../people/people-repository.js';
import { signRequestFromJson, signRequestIdOrNull, type SignRequestRow } from '../signing/signing-service.js';
import { prepared, runPrepared, type Queryable } from '../../db/prepared.js';
import type { AgeGroup, DepartmentSex, Profile, Texts } from './rules.js';

type Db = Knex | Knex.Transaction;

/** a signed МСУ step's pre-check: the department and the sign request in one statement, prepared */
const DEPARTMENT_FOR_SIGNING = prepared(
  'msu.department_for_signing',
  `select d.*, case when sr.id is null then null else row_to_json(sr.*) end as sign_request
     from msu_departments as d
     left join sign_requests as sr on sr.id = $2::uuid
    where d.id = $1
    limit 1`,
);
/**
 * What a signed МСУ order needs in its transaction, in one statement: the person's live МСУ measure
 * (locked, the statement of lockLiveMeasure), whether an order of the help type is open, the person and
 * the institution.
 */
const ORDER_CONTEXT = prepared(
  'msu.order_context',
  `select (select row_to_json(m) from (${LIVE_MEASURE_SQL}) m) as measure,
          exists (select 1 from orders where recipient_id = $1 and help_type = $2 and is_open) as open_order,
          (select row_to_json(p) from persons p where p.id = $1) as person,
          (select row_to_json(i) from msu_institutions i where i.id = $3) as institution`,
);

/** «Записаться»'s last statement (takeBedFor): the order's detail, its referral and one free bed. */
const TAKE_BED_FOR = prepared(
  'msu.take_bed_for',
  `with detail as (
     insert into msu_orders (order_id, institution_id, department_id, entry, arrival_deadline, bed_held_at)
     values ($1, $2, $3, $4, $5, $6)),
   referral as (
     insert into msu_referrals
       (order_id, institution_id, department_id, issued_at, recipient_masked, via, queue_number,
        queue_position, release_id)
     values ($7, $8, $9, $10, $11, $12, $13, $14, $15)),
   bed as (
     update msu_departments set free = free - 1, free_confirmed_at = $16
      where id = $17 and active and free > 0
      returning free)
   select free from bed`,
);
export type { Texts } from './rules.js';

export interface InstitutionRow {
  id: number;
  organisation_id: number;
  name: string;
  description: Texts;
  arrival_info: Texts;
  region: string;
  locality: string;
  address: string;
  phone: string | null;
  email: string | null;
  working_hours: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** One change of a department's bed count, as the bed history records it. */
export interface BedChangeRow {
  department_id: number;
  at: Date;
  source: 'institution' | 'admin';
  old_total: number;
  new_total: number;
  old_free: number;
  new_free: number;
  offered: number;
  reason: string;
  signed_document_id: number | null;
}

export interface DepartmentRow {
  id: number;
  institution_id: number;
  name: Texts;
  profile: Profile;
  sex: DepartmentSex;
  age_group: AgeGroup;
  beds_total: number;
  free: number;
  free_confirmed_at: Date;
  queue_seq: number;
  active: boolean;
  created_at: Date;
}

export interface MsuOrderRow {
  order_id: number;
  institution_id: number;
  department_id: number;
  entry: 'direct' | 'queue';
  queue_seq: number | null;
  queue_state: 'waiting' | 'offered' | 'left' | null;
  queued_at: Date | null;
  left_queue_at: Date | null;
  left_reason: 'enrolled' | 'cancelled' | 'declined' | 'lapsed' | null;
  arrival_deadline: string | null;
  bed_held_at: Date | null;
  arrived_at: Date | null;
  discharged_at: Date | null;
  reason: string | null;
}

/** A referral as «Записаться» or an accepted offer issues it. */
export interface ReferralInsert {
  order_id: number;
  institution_id: number;
  department_id: number;
  issued_at: Date;
  recipient_masked: string;
  via: 'free_bed' | 'queue_offer';
  queue_number: number | null;
  queue_position: number | null;
  release_id: number | null;
}

/** A row read as json (row_to_json): its timestamps (`*_at`) back to dates, as the driver gives them. */
function fromJson<T>(json: unknown): T | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const out: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out))
    if (k.endsWith('_at') && typeof v === 'string') out[k] = new Date(v);
  return out as T;
}

export interface ReleaseRow {
  id: number;
  institution_id: number;
  department_id: number;
  released_at: Date;
  cause: string;
  previous_release_id: number | null;
  offered_order_id: number | null;
  queue_number: number | null;
  priority_ends_at: Date | null;
  outcome: 'pending' | 'accepted' | 'declined' | 'lapsed' | 'cancelled' | 'free';
  outcome_at: Date | null;
}

export interface PositionChangeRow {
  id: number;
  order_id: number;
  at: Date;
  from_position: number;
  to_position: number;
  reason: 'ahead_enrolled' | 'ahead_left' | 'ahead_declined' | 'ahead_lapsed';
  cause_order_id: number | null;
}

export interface CatalogueFilter {
  region?: string | undefined;
  locality?: string | undefined;
  profile?: string | undefined;
}

export interface OpenDataFilter {
  institutionId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

const ACTIVE_QUEUE = ['waiting', 'offered'];

/** The МСУ tables. Every method takes the knex or transaction to run on. */
export class MsuRepository {
  // ---------------------------------------------------------------- registry

  async institutions(
    db: Db,
    filter: CatalogueFilter & { includeInactive?: boolean } = {},
  ): Promise<InstitutionRow[]> {
    const q = db('msu_institutions as i')
      .select('i.*')
      .orderBy('i.region')
      .orderBy('i.locality')
      .orderBy('i.name');
    // a suspended or excluded organisation's institutions are no recipient's choice (docs/participants.md)
    if (!filter.includeInactive)
      q.where('i.active', true).whereExists(
        db('organisations as o').whereRaw('o.id = i.organisation_id').where('o.status', 'active'),
      );
    if (filter.region) q.where('i.region', filter.region);
    if (filter.locality) q.where('i.locality', filter.locality);
    if (filter.profile)
      q.whereExists(
        db('msu_departments as d')
          .whereRaw('d.institution_id = i.id')
          .where({ 'd.profile': filter.profile, 'd.active': true }),
      );
    return (await q) as InstitutionRow[];
  }

  async institution(db: Db, id: number): Promise<InstitutionRow | undefined> {
    return (await db('msu_institutions').where({ id }).first()) as InstitutionRow | undefined;
  }

  /** Whether the institution's organisation takes new orders (neither suspended nor excluded). */
  async organisationActive(db: Db, institution: InstitutionRow): Promise<boolean> {
    return Boolean(
      await db('organisations').where({ id: institution.organisation_id, status: 'active' }).first('id'),
    );
  }

  async institutionByOrganisation(db: Db, organisationId: number): Promise<InstitutionRow | undefined> {
    return (await db('msu_institutions').where({ organisation_id: organisationId }).first()) as
      InstitutionRow | undefined;
  }

  async departments(
    db: Db,
    institutionIds: number[],
    opts: { profile?: string | undefined; includeInactive?: boolean } = {},
  ): Promise<DepartmentRow[]> {
    if (institutionIds.length === 0) return [];
    const q = db('msu_departments')
      .whereIn('institution_id', institutionIds)
      .orderBy('institution_id')
      .orderBy('id');
    if (!opts.includeInactive) q.where({ active: true });
    if (opts.profile) q.where({ profile: opts.profile });
    return (await q) as DepartmentRow[];
  }

  async department(db: Db, id: number): Promise<DepartmentRow | undefined> {
    return (await db('msu_departments').where({ id }).first()) as DepartmentRow | undefined;
  }

  /** The department of a signed creation and its sign request, in one statement (before verifying). */
  async departmentForSigning(
    db: Db,
    id: number,
    signRequestId: string,
  ): Promise<{ dept: DepartmentRow; request: SignRequestRow | null } | undefined> {
    const [row] = await runPrepared<DepartmentRow & { sign_request: unknown }>(db, DEPARTMENT_FOR_SIGNING, [
      id,
      signRequestIdOrNull(signRequestId),
    ]);
    if (!row) return undefined;
    const { sign_request, ...dept } = row;
    return { dept, request: signRequestFromJson(sign_request) };
  }

  /**
   * What a signed creation reads in its transaction, in one statement: the recipient's live measure of
   * the help type (locked, as assertCanOrder locks it), whether an order of that help type is open,
   * the person and the institution.
   */
  async orderContext(
    tx: Queryable,
    personId: number,
    helpType: string,
    institutionId: number,
  ): Promise<{
    measure: MeasureRow | undefined;
    openOrder: boolean;
    person: PersonRow | undefined;
    institution: InstitutionRow | undefined;
  }> {
    const [row] = await runPrepared<{
      measure: unknown;
      open_order: boolean;
      person: unknown;
      institution: unknown;
    }>(tx, ORDER_CONTEXT, [personId, helpType, institutionId]);
    if (!row) throw new Error('the order context statement returned no row');
    return {
      measure: fromJson<MeasureRow>(row.measure),
      openOrder: row.open_order,
      person: fromJson<PersonRow>(row.person),
      institution: fromJson<InstitutionRow>(row.institution),
    };
  }

  async filterOptions(
    db: Db,
  ): Promise<{ regions: string[]; localities: { region: string; locality: string }[] }> {
    const rows = (await db('msu_institutions')
      .where({ active: true })
      .distinct('region', 'locality')
      .orderBy('region')
      .orderBy('locality')) as { region: string; locality: string }[];
    return { regions: [...new Set(rows.map((r) => r.region))], localities: rows };
  }

  /** Organisations with the direction «special social services» that have no institution card yet. */
  async unregisteredOrganisations(db: Db): Promise<{ id: number; name: string; bin: string }[]> {
    return (await db('organisations as o')
      .whereRaw(`'special_social_services' = any(o.directions)`)
      .whereNotExists(db('msu_institutions as i').whereRaw('i.organisation_id = o.id'))
      .orderBy('o.name')
      .select('o.id', 'o.name', 'o.bin')) as { id: number; name: string; bin: string }[];
  }

  async updateInstitution(
    db: Db,
    id: number,
    patch: Partial<Omit<InstitutionRow, 'id' | 'organisation_id'>>,
    at: Date,
  ): Promise<void> {
    const row: Record<string, unknown> = { ...patch, updated_at: at };
    if (patch.description) row.description = JSON.stringify(patch.description);
    if (patch.arrival_info) row.arrival_info = JSON.stringify(patch.arrival_info);
    await db('msu_institutions').where({ id }).update(row);
  }

  async insertInstitution(
    db: Db,
    row: Omit<InstitutionRow, 'id' | 'created_at' | 'updated_at' | 'active'>,
    at: Date,
  ): Promise<number> {
    const [r] = (await db('msu_institutions')
      .insert({
        ...row,
        description: JSON.stringify(row.description),
        arrival_info: JSON.stringify(row.arrival_info),
        created_at: at,
        updated_at: at,
      })
      .returning('id')) as { id: number }[];
    return r!.id;
  }

  async insertDepartment(
    db: Db,
    row: Pick<
      DepartmentRow,
      'institution_id' | 'name' | 'profile' | 'sex' | 'age_group' | 'beds_total' | 'free'
    >,
    at: Date,
  ): Promise<number> {
    const [r] = (await db('msu_departments')
      .insert({ ...row, name: JSON.stringify(row.name), free_confirmed_at: at, created_at: at })
      .returning('id')) as { id: number }[];
    return r!.id;
  }

  async updateDepartmentDescription(
    db: Db,
    id: number,
    patch: { name: Texts; profile: Profile; sex: DepartmentSex; age_group: AgeGroup; active: boolean },
  ): Promise<void> {
    await db('msu_departments')
      .where({ id })
      .update({ ...patch, name: JSON.stringify(patch.name) });
  }

  // ---------------------------------------------------------------- the hot row

  /** Locks a department row (every queue change and every release is decided under this lock). */
  async lockDepartment(tx: Knex.Transaction, id: number): Promise<DepartmentRow | undefined> {
    return (await tx('msu_departments').where({ id }).forUpdate().first()) as DepartmentRow | undefined;
  }

  /**
   * «Записаться»'s last statement: one free bed taken atomically (null when none was left: the caller
   * refuses, and the transaction's rollback takes the inserted rows with it), the order's detail and
   * its referral inserted with it.
   */
  async takeBedFor(
    tx: Queryable,
    departmentId: number,
    at: Date,
    detail: Pick<
      MsuOrderRow,
      'order_id' | 'institution_id' | 'department_id' | 'entry' | 'arrival_deadline' | 'bed_held_at'
    >,
    referral: ReferralInsert,
  ): Promise<{ free: number } | null> {
    const rows = await runPrepared<{ free: number }>(tx, TAKE_BED_FOR, [
      detail.order_id,
      detail.institution_id,
      detail.department_id,
      detail.entry,
      detail.arrival_deadline,
      detail.bed_held_at,
      referral.order_id,
      referral.institution_id,
      referral.department_id,
      referral.issued_at,
      referral.recipient_masked,
      referral.via,
      referral.queue_number,
      referral.queue_position,
      referral.release_id,
      at,
      departmentId,
    ]);
    return rows[0] ?? null;
  }

  /** Takes one free bed, atomically: null when none was left. */
  async takeBed(tx: Knex.Transaction, departmentId: number, at: Date): Promise<{ free: number } | null> {
    const rows = (await tx('msu_departments')
      .where({ id: departmentId, active: true })
      .andWhere('free', '>', 0)
      .update({ free: tx.raw('free - 1'), free_confirmed_at: at })
      .returning(['free'])) as { free: number }[];
    return rows[0] ?? null;
  }

  /**
   * Takes the next queue number, only while the department has no free bed (a free bed is taken with
   * «Записаться», not queued for). The row lock lasts until commit, so the numbers follow commit order.
   */
  async takeQueueNumber(tx: Knex.Transaction, departmentId: number): Promise<number | null> {
    const rows = (await tx('msu_departments')
      .where({ id: departmentId, active: true, free: 0 })
      .update({ queue_seq: tx.raw('queue_seq + 1') })
      .returning(['queue_seq'])) as { queue_seq: number }[];
    return rows[0]?.queue_seq ?? null;
  }

  async addFree(tx: Knex.Transaction, departmentId: number, n: number, at: Date): Promise<void> {
    await tx('msu_departments')
      .where({ id: departmentId })
      .update({ free: tx.raw('free + ?', [n]), free_confirmed_at: at });
  }

  async setBeds(
    tx: Knex.Transaction,
    departmentId: number,
    total: number,
    free: number,
    at: Date,
  ): Promise<void> {
    await tx('msu_departments')
      .where({ id: departmentId })
      .update({ beds_total: total, free, free_confirmed_at: at });
  }

  async confirmFree(db: Db, departmentId: number, at: Date): Promise<void> {
    await db('msu_departments').where({ id: departmentId }).update({ free_confirmed_at: at });
  }

  // ---------------------------------------------------------------- orders and the queue

  async insertDetail(
    tx: Knex.Transaction,
    row: Partial<MsuOrderRow> & Pick<MsuOrderRow, 'order_id' | 'institution_id' | 'department_id' | 'entry'>,
  ): Promise<void> {
    await tx('msu_orders').insert(row);
  }

  async detail(db: Db, orderId: number): Promise<MsuOrderRow | undefined> {
    return (await db('msu_orders').where({ order_id: orderId }).first()) as MsuOrderRow | undefined;
  }

  async updateDetail(tx: Knex.Transaction, orderId: number, patch: Partial<MsuOrderRow>): Promise<void> {
    await tx('msu_orders').where({ order_id: orderId }).update(patch);
  }

  /** 1 + the entries still in the queue ahead of this number (null when not in the queue). */
  async position(db: Db, departmentId: number, seq: number): Promise<number> {
    const r = (await db('msu_orders')
      .where({ department_id: departmentId })
      .whereIn('queue_state', ACTIVE_QUEUE)
      .andWhere('queue_seq', '<', seq)
      .count<{ count: number }[]>('* as count')
      .first()) as { count: number } | undefined;
    return Number(r?.count ?? 0) + 1;
  }

  async queueLength(db: Db, departmentId: number): Promise<number> {
    const r = (await db('msu_orders')
      .where({ department_id: departmentId })
      .whereIn('queue_state', ACTIVE_QUEUE)
      .count<{ count: number }[]>('* as count')
      .first()) as { count: number } | undefined;
    return Number(r?.count ?? 0);
  }

  async queueLengths(db: Db, departmentIds: number[]): Promise<Map<number, number>> {
    if (departmentIds.length === 0) return new Map();
    const rows = (await db('msu_orders')
      .whereIn('department_id', departmentIds)
      .whereIn('queue_state', ACTIVE_QUEUE)
      .groupBy('department_id')
      .select('department_id')
      .count<{ department_id: number; count: number }[]>('* as count')) as {
      department_id: number;
      count: number;
    }[];
    return new Map(rows.map((r) => [Number(r.department_id), Number(r.count)]));
  }

  /** The first entry still waiting (not yet offered a place), locked. */
  async firstWaiting(tx: Knex.Transaction, departmentId: number): Promise<MsuOrderRow | undefined> {
    return (await tx('msu_orders')
      .where({ department_id: departmentId, queue_state: 'waiting' })
      .orderBy('queue_seq')
      .forUpdate()
      .first()) as MsuOrderRow | undefined;
  }

  /**
   * Everyone behind an entry that is leaving the queue moves up by one: one row each in the position
   * log, with the reason they will read. Run under the department lock, before the entry's state changes.
   */
  async logMoveUp(
    tx: Knex.Transaction,
    departmentId: number,
    leavingSeq: number,
    reason: PositionChangeRow['reason'],
    causeOrderId: number,
    at: Date,
  ): Promise<number> {
    const r = await tx.raw(
      `insert into msu_position_changes (order_id, at, from_position, to_position, reason, cause_order_id)
       select q.order_id, ?, q.pos, q.pos - 1, ?, ?
       from (select order_id, queue_seq, row_number() over (order by queue_seq) as pos
             from msu_orders where department_id = ? and queue_state in ('waiting','offered')) q
       where q.queue_seq > ?`,
      [at, reason, causeOrderId, departmentId, leavingSeq],
    );
    return (r as { rowCount: number }).rowCount;
  }

  async positionChanges(db: Db, orderId: number): Promise<PositionChangeRow[]> {
    return (await db('msu_position_changes')
      .where({ order_id: orderId })
      .orderBy('id')) as PositionChangeRow[];
  }

  // ---------------------------------------------------------------- releases and referrals

  async insertRelease(
    tx: Knex.Transaction,
    row: Omit<ReleaseRow, 'id' | 'outcome_at'> & { outcome_at?: Date | null },
  ): Promise<number> {
    const [r] = (await tx('msu_releases').insert(row).returning('id')) as { id: number }[];
    return r!.id;
  }

  async pendingReleaseFor(tx: Knex.Transaction, orderId: number): Promise<ReleaseRow | undefined> {
    return (await tx('msu_releases')
      .where({ offered_order_id: orderId, outcome: 'pending' })
      .forUpdate()
      .first()) as ReleaseRow | undefined;
  }

  async pendingReleaseOf(db: Db, orderId: number): Promise<ReleaseRow | undefined> {
    return (await db('msu_releases').where({ offered_order_id: orderId, outcome: 'pending' }).first()) as
      ReleaseRow | undefined;
  }

  /** An organisation's open orders in these statuses, with their department and institution. */
  async openOrdersOfOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    statuses: readonly string[],
  ): Promise<{ id: number; department_id: number; institution: string }[]> {
    return (await tx('orders as o')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .join('msu_institutions as i', 'i.id', 'm.institution_id')
      .where({ 'i.organisation_id': organisationId, 'o.is_open': true })
      .whereIn('o.status', statuses)
      .orderBy('o.id')
      .select('o.id', 'm.department_id', 'i.name as institution')) as {
      id: number;
      department_id: number;
      institution: string;
    }[];
  }

  async closeRelease(
    tx: Knex.Transaction,
    id: number,
    outcome: ReleaseRow['outcome'],
    at: Date,
  ): Promise<void> {
    await tx('msu_releases').where({ id, outcome: 'pending' }).update({ outcome, outcome_at: at });
  }

  async dueOffers(db: Db, now: Date, limit: number): Promise<ReleaseRow[]> {
    return (await db('msu_releases')
      .where({ outcome: 'pending' })
      .andWhere('priority_ends_at', '<=', now)
      .orderBy('priority_ends_at')
      .limit(limit)) as ReleaseRow[];
  }

  async release(db: Db, id: number): Promise<ReleaseRow | undefined> {
    return (await db('msu_releases').where({ id }).first()) as ReleaseRow | undefined;
  }

  async insertReferral(tx: Knex.Transaction, row: ReferralInsert): Promise<void> {
    await tx('msu_referrals').insert(row);
  }

  private openDataBase(
    db: Db,
    table: 'msu_releases' | 'msu_referrals',
    timeColumn: string,
    f: OpenDataFilter,
  ) {
    const q = db(`${table} as x`)
      .join('msu_institutions as i', 'i.id', 'x.institution_id')
      .join('msu_departments as d', 'd.id', 'x.department_id');
    if (f.institutionId) q.where('x.institution_id', f.institutionId);
    if (f.from) q.where(`x.${timeColumn}`, '>=', f.from);
    if (f.to) q.where(`x.${timeColumn}`, '<', f.to);
    return q;
  }

  /** One page of an open-data register, newest first, with the count of all its rows. */
  private async openDataPage<T>(
    base: Knex.QueryBuilder,
    timeColumn: string,
    f: OpenDataFilter,
    columns: string[],
  ) {
    const total = (await base.clone().count<{ count: number }[]>('* as count').first()) as
      { count: number } | undefined;
    const q = base
      .clone()
      .select(...columns)
      .orderBy(`x.${timeColumn}`, 'desc')
      .orderBy('x.id', 'desc');
    if (f.limit) q.limit(f.limit).offset(f.offset ?? 0);
    return { total: Number(total?.count ?? 0), rows: (await q) as T[] };
  }

  async releases(db: Db, f: OpenDataFilter) {
    const base = this.openDataBase(db, 'msu_releases', 'released_at', f);
    return this.openDataPage<{
      id: number;
      released_at: Date;
      cause: string;
      priority_ends_at: Date | null;
      outcome: ReleaseRow['outcome'];
      outcome_at: Date | null;
      queue_number: number | null;
      institution: string;
      department: Texts;
      profile: Profile;
    }>(base, 'released_at', f, [
      'x.id',
      'x.released_at',
      'x.cause',
      'x.priority_ends_at',
      'x.outcome',
      'x.outcome_at',
      'x.queue_number',
      'i.name as institution',
      'd.name as department',
      'd.profile',
    ]);
  }

  async referrals(db: Db, f: OpenDataFilter) {
    const base = this.openDataBase(db, 'msu_referrals', 'issued_at', f).join(
      'orders as o',
      'o.id',
      'x.order_id',
    );
    return this.openDataPage<{
      id: number;
      issued_at: Date;
      recipient_masked: string;
      via: 'free_bed' | 'queue_offer';
      queue_number: number | null;
      queue_position: number | null;
      status: string;
      institution: string;
      department: Texts;
      profile: Profile;
    }>(base, 'issued_at', f, [
      'x.id',
      'x.issued_at',
      'x.recipient_masked',
      'x.via',
      'x.queue_number',
      'x.queue_position',
      'o.status',
      'i.name as institution',
      'd.name as department',
      'd.profile',
    ]);
  }

  /** An МСУ order by its number and the recipient's birth date (both must match), with its place. */
  async queueCheckRow(db: Db, orderNumber: string, birthDate: string) {
    return (await db('orders as o')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .join('msu_departments as d', 'd.id', 'm.department_id')
      .join('msu_institutions as i', 'i.id', 'm.institution_id')
      .where('o.number', orderNumber)
      .andWhere('o.kind', 'msu')
      .andWhere('p.birth_date', birthDate)
      .first(
        'o.id',
        'o.number',
        'o.status',
        'm.department_id',
        'm.queue_seq',
        'm.queue_state',
        'i.name as institution',
        'd.name as department',
      )) as
      | {
          id: number;
          number: string;
          status: string;
          department_id: number;
          queue_seq: number | null;
          queue_state: string | null;
          institution: string;
          department: Texts;
        }
      | undefined;
  }

  /**
   * «Проверить очередь» by ИИН (seed 004): the МСУ orders in a queue whose recipient, or whose
   * applicant (who filed it: a guardian), has this ИИН; each with its place and department.
   */
  async queueEntriesByIin(db: Db, iin: string) {
    return (await db('orders as o')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .join('persons as a', 'a.id', 'o.created_by')
      .join('msu_orders as m', 'm.order_id', 'o.id')
      .join('msu_departments as d', 'd.id', 'm.department_id')
      .where('o.kind', 'msu')
      .andWhere((w) => w.where('p.iin', iin).orWhere('a.iin', iin))
      .whereIn('m.queue_state', ACTIVE_QUEUE)
      .whereNotNull('m.queue_seq')
      .orderBy('o.id')
      .select(
        'o.id',
        'm.department_id',
        'm.queue_seq',
        'd.name as department',
        'p.surname',
        'p.name',
        'p.patronymic',
      )) as {
      id: number;
      department_id: number;
      queue_seq: number;
      department: Texts;
      surname: string;
      name: string;
      patronymic: string | null;
    }[];
  }

  // ---------------------------------------------------------------- institution cabinet

  async institutionOrders(
    db: Db,
    institutionId: number,
    filter: { status?: string | undefined; departmentId?: number | undefined; limit: number; offset: number },
  ) {
    const base = db('msu_orders as m')
      .join('orders as o', 'o.id', 'm.order_id')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .join('msu_departments as d', 'd.id', 'm.department_id')
      .where('m.institution_id', institutionId);
    if (filter.status) base.where('o.status', filter.status);
    else base.whereIn('o.status', ['awaiting_arrival', 'enrolled', 'place_offered', 'queued']);
    if (filter.departmentId) base.where('m.department_id', filter.departmentId);
    const total = (await base.clone().count<{ count: number }[]>('* as count').first()) as
      { count: number } | undefined;
    const rows = (await base
      .clone()
      .select(
        ...ORDER_LIST_COLUMNS,
        'm.department_id',
        'm.arrival_deadline',
        'm.queue_seq',
        'm.queue_state',
        'm.arrived_at',
        'd.name as department',
        'p.surname',
        'p.name',
        'p.patronymic',
        'p.birth_date',
      )
      .orderByRaw(
        `case o.status when 'awaiting_arrival' then 0 when 'place_offered' then 1 when 'enrolled' then 2 else 3 end`,
      )
      .orderBy('m.queue_seq')
      .orderBy('o.id')
      .limit(filter.limit)
      .offset(filter.offset)) as {
      id: number;
      number: string;
      status: string;
      created_at: Date;
      status_changed_at: Date;
      department_id: number;
      arrival_deadline: string | null;
      queue_seq: number | null;
      queue_state: string | null;
      arrived_at: Date | null;
      department: Texts;
      surname: string;
      name: string;
      patronymic: string | null;
      birth_date: string;
    }[];
    return { total: Number(total?.count ?? 0), rows };
  }

  async insertBedChange(
    tx: Knex.Transaction,
    row: BedChangeRow & { actor_id: number | null; organisation_id: number | null },
  ): Promise<void> {
    await tx('msu_bed_changes').insert(row);
  }

  async bedChanges(db: Db, departmentIds: number[], limit = 50) {
    if (departmentIds.length === 0) return [];
    return (await db('msu_bed_changes as c')
      .leftJoin('persons as p', 'p.id', 'c.actor_id')
      .whereIn('c.department_id', departmentIds)
      .orderBy('c.at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .select(
        'c.*',
        db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`),
      )) as (BedChangeRow & { id: number; actor_name: string | null })[];
  }

  /** Active queue length and the average wait of entries that got a place, per department. */
  async queueStats(db: Db) {
    return (await db('msu_departments as d')
      .join('msu_institutions as i', 'i.id', 'd.institution_id')
      .select(
        'i.name as institution',
        'd.name as department',
        'd.id',
        db.raw(
          `(select count(*) from msu_orders m where m.department_id = d.id and m.queue_state in ('waiting','offered'))::int as queue_length`,
        ),
        db.raw(
          `(select avg(extract(epoch from (m.left_queue_at - m.queued_at)) / 86400.0) from msu_orders m
             where m.department_id = d.id and m.left_reason = 'enrolled') as avg_wait_days`,
        ),
      )
      .orderBy('i.name')
      .orderBy('d.id')) as {
      institution: string;
      department: Texts;
      id: number;
      queue_length: number;
      avg_wait_days: number | null;
    }[];
  }
}
