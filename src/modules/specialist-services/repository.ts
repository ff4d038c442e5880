import type { Knex } from 'knex';
import { rowById, lockRowById } from '../shared/rows.js';
import { NotFoundError } from '../../lib/errors.js';
import type { OrderRow } from '../orders/orders-repository.js';
import {
  LOCKING_ACT_STATUSES,
  REASON_ACTIONS,
  actMachine,
  applicationMachine,
  creationRow,
  type ActAction,
  type ActStatus,
  type ApplicationStatus,
  type ServiceHelpType,
} from './rules.js';

type Db = Knex | Knex.Transaction;

export interface SpecialistRow {
  id: number;
  person_id: number;
  kind: ServiceHelpType;
  region: string;
  locality: string;
  status: 'active' | 'suspended' | 'excluded';
  included_on: string;
  excluded_at: Date | null;
  /** the administrator's reason of a suspension or exclusion, when and by whom */
  status_reason: string | null;
  status_at: Date | null;
  status_by: number | null;
}

export interface SpecialistView extends SpecialistRow {
  surname: string;
  name: string;
  patronymic: string | null;
  iin: string;
  phone: string | null;
  email: string | null;
  pending_exclusion: boolean;
}

export interface ApplicationRow {
  id: number;
  person_id: number;
  kind: ServiceHelpType;
  type: 'inclusion' | 'exclusion';
  status: ApplicationStatus;
  region: string | null;
  locality: string | null;
  reason: string | null;
  signed_document_id: number | null;
  submitted_at: Date;
  decided_at: Date | null;
  decided_by: number | null;
  decision_comment: string | null;
}

export interface ServiceOrderDetail {
  order_id: number;
  /** null while an order to an organisation waits for the organisation to assign its specialist */
  specialist_entry_id: number | null;
  specialist_person_id: number | null;
  /** the organisation the order went to (null: a self-employed specialist's order) */
  organisation_id: number | null;
  help_type: ServiceHelpType;
  phone: string;
  email: string | null;
  address: string;
  comment: string | null;
  confirmed_on: string | null;
  joint_work_ended: boolean;
}

/** An organisation that offers a specialist service (the recipients' choice list). */
export interface OfferingOrganisationRow {
  id: number;
  name: string;
  bin: string;
  region: string;
  locality: string;
  phone: string | null;
  directions: string[];
}

/** An order with its detail and both parties' names, as the lists and cards show it. */
export interface ServiceOrderView extends OrderRow {
  detail: ServiceOrderDetail;
  recipient_name: string;
  recipient_iin: string;
  /** empty while an organisation's order has no specialist assigned */
  specialist_name: string;
  specialist_iin: string | null;
  organisation_name: string | null;
  organisation_bin: string | null;
}

export interface EntryRow {
  id: number;
  order_id: number;
  specialist_person_id: number;
  recipient_id: number;
  help_type: ServiceHelpType;
  day: string;
  hours: number;
  format: string | null;
  objects_kk: string | null;
  objects_ru: string | null;
  created_at: Date;
}

export interface EntryView extends EntryRow {
  order_number: string;
  recipient_name: string;
}

export interface CodeRow {
  id: number;
  order_id: number;
  specialist_person_id: number;
  day: string;
  hours: number;
  format: string | null;
  objects_kk: string | null;
  objects_ru: string | null;
  code_hash: string;
  attempts: number;
  state: 'pending' | 'used' | 'blocked' | 'superseded';
  expires_at: Date;
  created_at: Date;
  used_at: Date | null;
  entry_id: number | null;
}

export interface ActRow {
  id: number;
  order_id: number;
  specialist_person_id: number;
  recipient_id: number;
  period: string;
  method: 'scan' | 'electronic';
  status: ActStatus;
  ends_joint_work: boolean;
  hours: number;
  file_path: string | null;
  file_name: string | null;
  file_mime: string | null;
  file_size: number | null;
  file_sha256: string | null;
  specialist_signed_document_id: number | null;
  recipient_signed_document_id: number | null;
  created_at: Date;
  sent_at: Date | null;
  /** the recipient's reason for refusing to sign (status `disputed`), with its signed document */
  dispute_reason?: string | null;
  disputed_at?: Date | null;
  recipient_dispute_document_id?: number | null;
}

export interface ActView extends ActRow {
  order_number: string;
  help_type: ServiceHelpType;
  recipient_name: string;
  specialist_name: string;
}

/** The specialist who serves the order; an organisation's order before its assignment has none (404). */
export function assignedSpecialist(d: Pick<ServiceOrderDetail, 'specialist_person_id'>): number {
  if (d.specialist_person_id === null) throw new NotFoundError();
  return d.specialist_person_id;
}

const FULL = (alias: string) => `concat_ws(' ', ${alias}.surname, ${alias}.name, ${alias}.patronymic)`;

/** The registry: specialists and their applications. */
export class RegistryRepository {
  /** Self-employed specialists of a kind (those who work for an organisation are ordered through it). */
  async activeByKind(db: Db, kind: ServiceHelpType, locality: string | null): Promise<SpecialistView[]> {
    const q = this.viewQuery(db)
      .where({ 's.kind': kind, 's.status': 'active' })
      .whereNotExists(
        db('person_roles as pr')
          .whereRaw('pr.person_id = s.person_id')
          .where('pr.role', 'specialist')
          .whereNotNull('pr.organisation_id'),
      );
    if (locality !== null) q.where('s.locality', locality);
    return (await q.orderBy(['p.surname', 'p.name'])) as SpecialistView[];
  }

  /**
   * An organisation's specialists of a kind: a person_roles row 'specialist' for the organisation and
   * an active registry entry (an assistant only in the given locality).
   */
  async ofOrganisation(
    db: Db,
    organisationId: number,
    kind: ServiceHelpType,
    locality: string | null,
  ): Promise<SpecialistView[]> {
    const q = this.viewQuery(db)
      .where({ 's.kind': kind, 's.status': 'active' })
      .whereExists(
        db('person_roles as pr')
          .whereRaw('pr.person_id = s.person_id')
          .where({ 'pr.role': 'specialist', 'pr.organisation_id': organisationId, 'pr.status': 'active' }),
      );
    if (locality !== null) q.where('s.locality', locality);
    return (await q.orderBy(['p.surname', 'p.name'])) as SpecialistView[];
  }

  /** Active organisations with the direction that have at least one such specialist (in the locality). */
  async organisationsOffering(
    db: Db,
    kind: ServiceHelpType,
    direction: string,
    locality: string | null,
  ): Promise<OfferingOrganisationRow[]> {
    const q = db('organisations as o')
      .where('o.active', true)
      .whereRaw('? = any(o.directions)', [direction])
      .whereExists(
        db('person_roles as pr')
          .join('specialists as s', 's.person_id', 'pr.person_id')
          .whereRaw('pr.organisation_id = o.id')
          .where({ 'pr.role': 'specialist', 'pr.status': 'active', 's.kind': kind, 's.status': 'active' })
          .modify((sq) => {
            if (locality !== null) sq.where('s.locality', locality);
          }),
      )
      .orderBy('o.name')
      .select('o.id', 'o.name', 'o.bin', 'o.region', 'o.locality', 'o.phone', 'o.directions');
    return (await q) as OfferingOrganisationRow[];
  }

  async all(db: Db): Promise<SpecialistView[]> {
    return (await this.viewQuery(db).orderBy(['s.kind', 'p.surname', 'p.name'])) as SpecialistView[];
  }

  async view(db: Db, id: number): Promise<SpecialistView | undefined> {
    return (await this.viewQuery(db).where('s.id', id).first()) as SpecialistView | undefined;
  }

  async ofPerson(db: Db, personId: number): Promise<SpecialistView[]> {
    return (await this.viewQuery(db).where('s.person_id', personId).orderBy('s.kind')) as SpecialistView[];
  }

  private viewQuery(db: Db) {
    return db('specialists as s')
      .join('persons as p', 'p.id', 's.person_id')
      .select(
        's.*',
        'p.surname',
        'p.name',
        'p.patronymic',
        'p.iin',
        'p.phone',
        'p.email',
        db.raw(
          `exists (select 1 from specialist_applications a where a.person_id = s.person_id and a.kind = s.kind and a.type = 'exclusion' and a.status = 'pending') as pending_exclusion`,
        ),
      );
  }

  /** Locks the registry entry: an exclusion application and an order confirmation do not interleave. */
  async lockEntry(
    tx: Knex.Transaction,
    personId: number,
    kind: string,
    mode: 'update' | 'share',
  ): Promise<SpecialistRow | undefined> {
    const q = tx('specialists').where({ person_id: personId, kind });
    return (await (mode === 'update' ? q.forUpdate() : q.forShare()).first()) as SpecialistRow | undefined;
  }

  async hasPendingExclusion(db: Db, personId: number, kind: string): Promise<boolean> {
    const row = await db('specialist_applications')
      .where({ person_id: personId, kind, type: 'exclusion', status: 'pending' })
      .first('id');
    return Boolean(row);
  }

  async applicationsOf(db: Db, personId: number): Promise<ApplicationRow[]> {
    return (await db('specialist_applications')
      .where({ person_id: personId })
      .orderBy('id', 'desc')) as ApplicationRow[];
  }

  async pendingApplications(db: Db): Promise<(ApplicationRow & { person_name: string; iin: string })[]> {
    return (await db('specialist_applications as a')
      .join('persons as p', 'p.id', 'a.person_id')
      .where('a.status', 'pending')
      .orderBy('a.submitted_at')
      .select('a.*', 'p.iin', db.raw(`${FULL('p')} as person_name`))) as (ApplicationRow & {
      person_name: string;
      iin: string;
    })[];
  }

  async decidedApplications(db: Db, limit = 50): Promise<(ApplicationRow & { person_name: string })[]> {
    return (await db('specialist_applications as a')
      .join('persons as p', 'p.id', 'a.person_id')
      .whereNot('a.status', 'pending')
      .orderBy('a.decided_at', 'desc')
      .limit(limit)
      .select('a.*', db.raw(`${FULL('p')} as person_name`))) as (ApplicationRow & { person_name: string })[];
  }

  async insertApplication(tx: Knex.Transaction, a: Partial<ApplicationRow>): Promise<ApplicationRow> {
    const [row] = (await tx('specialist_applications').insert(a).returning('*')) as ApplicationRow[];
    return row!;
  }

  async lockApplication(tx: Knex.Transaction, id: number): Promise<ApplicationRow | undefined> {
    return lockRowById<ApplicationRow>(tx, 'specialist_applications', id);
  }

  /** An administrator's decision: the status is the target of the machine's row for the action. */
  async decide(
    tx: Knex.Transaction,
    app: ApplicationRow,
    action: 'approve' | 'reject',
    by: number,
    at: Date,
    comment: string | null,
  ): Promise<void> {
    const t = applicationMachine.find(app.status, action);
    if (!t) throw new Error(`specialist-application ${app.id}: ${action} from ${app.status}`);
    await tx('specialist_applications')
      .where({ id: app.id, status: app.status })
      .update({ status: t.to, decided_by: by, decided_at: at, decision_comment: comment });
  }

  async include(
    tx: Knex.Transaction,
    a: { personId: number; kind: string; region: string; locality: string; today: string },
  ): Promise<void> {
    await tx('specialists')
      .insert({
        person_id: a.personId,
        kind: a.kind,
        region: a.region,
        locality: a.locality,
        status: 'active',
        included_on: a.today,
      })
      .onConflict(['person_id', 'kind'])
      .merge({
        status: 'active',
        region: a.region,
        locality: a.locality,
        included_on: a.today,
        excluded_at: null,
        status_reason: null,
        status_at: null,
        status_by: null,
      });
    await tx.raw(
      `insert into person_roles (person_id, role) values (?, 'specialist') on conflict do nothing`,
      [a.personId],
    );
  }

  async lockEntryById(tx: Knex.Transaction, id: number): Promise<SpecialistRow | undefined> {
    return lockRowById<SpecialistRow>(tx, 'specialists', id);
  }

  /** The administrator's decision on the entry's standing, with the reason shown to the specialist. */
  async setStanding(
    tx: Knex.Transaction,
    id: number,
    s: { status: SpecialistRow['status']; reason: string | null; at: Date; by: number },
  ): Promise<void> {
    await tx('specialists')
      .where({ id })
      .update({
        status: s.status,
        status_reason: s.reason,
        status_at: s.at,
        status_by: s.by,
        ...(s.status === 'excluded' ? { excluded_at: s.at } : {}),
      });
  }

  async exclude(tx: Knex.Transaction, personId: number, kind: string, at: Date): Promise<void> {
    await tx('specialists')
      .where({ person_id: personId, kind })
      .update({ status: 'excluded', excluded_at: at });
  }
}

/** Orders of kind 'service' with their detail rows. */
export class ServiceOrdersRepository {
  async insertDetail(
    tx: Knex.Transaction,
    d: Omit<ServiceOrderDetail, 'confirmed_on' | 'joint_work_ended' | 'organisation_id'> & {
      organisation_id?: number | null;
    },
  ): Promise<void> {
    await tx('service_orders').insert(d);
  }

  async detail(db: Db, orderId: number): Promise<ServiceOrderDetail | undefined> {
    return (await db('service_orders').where({ order_id: orderId }).first()) as
      ServiceOrderDetail | undefined;
  }

  /** The open orders of a registry entry in these statuses (oldest first). */
  async openOrderIdsOfEntry(
    tx: Knex.Transaction,
    entryId: number,
    statuses: readonly string[],
  ): Promise<number[]> {
    const rows = (await tx('orders as o')
      .join('service_orders as d', 'd.order_id', 'o.id')
      .where({ 'd.specialist_entry_id': entryId, 'o.is_open': true })
      .whereIn('o.status', statuses)
      .orderBy('o.id')
      .select('o.id')) as { id: number }[];
    return rows.map((r) => r.id);
  }

  /** The open orders sent to an organisation (assigned to its specialist or not) in the given statuses. */
  async openOrderIdsOfOrganisation(
    tx: Knex.Transaction,
    organisationId: number,
    statuses: readonly string[],
  ): Promise<number[]> {
    const rows = (await tx('orders as o')
      .join('service_orders as d', 'd.order_id', 'o.id')
      .where({ 'd.organisation_id': organisationId, 'o.is_open': true })
      .whereIn('o.status', statuses)
      .orderBy('o.id')
      .select('o.id')) as { id: number }[];
    return rows.map((r) => r.id);
  }

  async updateDetail(
    tx: Knex.Transaction,
    orderId: number,
    patch: Partial<ServiceOrderDetail>,
  ): Promise<void> {
    await tx('service_orders').where({ order_id: orderId }).update(patch);
  }

  private viewQuery(db: Db) {
    return db('orders as o')
      .join('service_orders as d', 'd.order_id', 'o.id')
      .join('persons as r', 'r.id', 'o.recipient_id')
      .leftJoin('persons as sp', 'sp.id', 'd.specialist_person_id')
      .leftJoin('organisations as org', 'org.id', 'd.organisation_id')
      .where('o.kind', 'service')
      .select(
        'o.*',
        db.raw('row_to_json(d.*) as detail'),
        db.raw(`${FULL('r')} as recipient_name`),
        'r.iin as recipient_iin',
        db.raw(`${FULL('sp')} as specialist_name`),
        'sp.iin as specialist_iin',
        'org.name as organisation_name',
        'org.bin as organisation_bin',
      );
  }

  async view(db: Db, orderId: number): Promise<ServiceOrderView | undefined> {
    return (await this.viewQuery(db).where('o.id', orderId).first()) as ServiceOrderView | undefined;
  }

  async forRecipient(db: Db, recipientId: number): Promise<ServiceOrderView[]> {
    return (await this.viewQuery(db)
      .where('o.recipient_id', recipientId)
      .orderBy('o.id', 'desc')
      .limit(200)) as ServiceOrderView[];
  }

  async searchForSpecialist(
    db: Db,
    specialistPersonId: number,
    f: {
      statuses: readonly string[];
      from?: string;
      to?: string;
      status?: string;
      surname?: string;
      name?: string;
      limit: number;
      offset: number;
    },
  ): Promise<{ rows: ServiceOrderView[]; total: number }> {
    const base = this.viewQuery(db)
      .where('d.specialist_person_id', specialistPersonId)
      .whereIn('o.status', f.statuses);
    if (f.status) base.where('o.status', f.status);
    if (f.from) base.whereRaw(`(o.created_at at time zone 'Asia/Almaty')::date >= ?`, [f.from]);
    if (f.to) base.whereRaw(`(o.created_at at time zone 'Asia/Almaty')::date <= ?`, [f.to]);
    if (f.surname) base.whereRaw('r.surname ilike ?', [`${escapeLike(f.surname)}%`]);
    if (f.name) base.whereRaw('r.name ilike ?', [`${escapeLike(f.name)}%`]);
    const countQ = base.clone().clearSelect().clearOrder().count<{ count: number }[]>('* as count');
    const [{ count }] = (await countQ) as [{ count: number }];
    const rows = (await base
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)) as ServiceOrderView[];
    return { rows, total: Number(count) };
  }

  /** Orders sent to an organisation (its cabinet), newest first, without those never sent to it. */
  async forOrganisation(
    db: Db,
    organisationId: number,
    statuses: readonly string[],
  ): Promise<ServiceOrderView[]> {
    return (await this.viewQuery(db)
      .where('d.organisation_id', organisationId)
      .whereIn('o.status', statuses)
      .orderBy('o.id', 'desc')
      .limit(200)) as ServiceOrderView[];
  }

  /** The organisation's specialist takes the order: the detail row and the order's specialist. */
  async assignSpecialist(
    tx: Knex.Transaction,
    orderId: number,
    entry: { id: number; person_id: number },
  ): Promise<void> {
    await tx('service_orders')
      .where({ order_id: orderId })
      .whereNull('specialist_person_id')
      .update({ specialist_entry_id: entry.id, specialist_person_id: entry.person_id });
    await tx('orders').where({ id: orderId }).update({ specialist_id: entry.person_id });
  }

  /** Orders a specialist executes or executed (for the journal and the acts). */
  async executedBySpecialist(db: Db, specialistPersonId: number): Promise<ServiceOrderView[]> {
    return (await this.viewQuery(db)
      .where('d.specialist_person_id', specialistPersonId)
      .whereNotNull('d.confirmed_on')
      .orderBy('o.id', 'desc')) as ServiceOrderView[];
  }

  /** The reasons given along the order's life (the events that carried one). */
  async reasons(
    db: Db,
    orderIds: number[],
  ): Promise<
    { order_id: number; action: string; reason: string | null; details: Record<string, unknown>; at: Date }[]
  > {
    if (orderIds.length === 0) return [];
    return (await db('order_events')
      .whereIn('order_id', orderIds)
      .whereIn('action', REASON_ACTIONS)
      .orderBy('id')
      .select('order_id', 'action', 'reason', 'details', 'at')) as {
      order_id: number;
      action: string;
      reason: string | null;
      details: Record<string, unknown>;
      at: Date;
    }[];
  }
}

/** The journal, its day counters and the pending confirmation codes. */
export class JournalRepository {
  async entries(
    db: Db,
    f: { specialistPersonId: number; orderId?: number; from?: string; to?: string; limit?: number },
  ): Promise<EntryView[]> {
    const q = db('service_journal_entries as e')
      .join('orders as o', 'o.id', 'e.order_id')
      .join('persons as r', 'r.id', 'e.recipient_id')
      .where('e.specialist_person_id', f.specialistPersonId)
      .select('e.*', 'o.number as order_number', db.raw(`${FULL('r')} as recipient_name`))
      .orderBy('e.day', 'desc')
      .orderBy('e.id', 'desc')
      .limit(f.limit ?? 500);
    if (f.orderId) q.where('e.order_id', f.orderId);
    if (f.from) q.where('e.day', '>=', f.from);
    if (f.to) q.where('e.day', '<=', f.to);
    return (await q) as EntryView[];
  }

  async entriesOfMonth(db: Db, orderId: number, first: string, last: string): Promise<EntryRow[]> {
    return (await db('service_journal_entries')
      .where({ order_id: orderId })
      .whereBetween('day', [first, last])
      .orderBy('day')
      .orderBy('id')) as EntryRow[];
  }

  async hoursOfMonth(db: Db, orderId: number, first: string, last: string): Promise<number> {
    const row = (await db('service_journal_entries')
      .where({ order_id: orderId })
      .whereBetween('day', [first, last])
      .sum<{ sum: number | null }>('hours as sum')
      .first()) as { sum: number | null } | undefined;
    return Number(row?.sum ?? 0);
  }

  async dayHours(db: Db, personId: number, role: 'specialist' | 'recipient', day: string): Promise<number> {
    const row = (await db('service_day_hours').where({ person_id: personId, role, day }).first('hours')) as
      { hours: number } | undefined;
    return row?.hours ?? 0;
  }

  /**
   * Adds hours to a person's day counter unless that would pass the limit. The upsert locks the row,
   * so concurrent entries queue here and each sees the others' committed hours. Null when refused.
   */
  async addDayHours(
    tx: Knex.Transaction,
    personId: number,
    role: 'specialist' | 'recipient',
    day: string,
    hours: number,
    max: number,
  ): Promise<number | null> {
    const res = await tx.raw<{ rows: { hours: number }[] }>(
      `insert into service_day_hours (person_id, role, day, hours) values (?, ?, ?, ?)
       on conflict (person_id, role, day) do update set hours = service_day_hours.hours + excluded.hours
       where service_day_hours.hours + excluded.hours <= ?
       returning hours`,
      [personId, role, day, hours, max],
    );
    const row = res.rows[0];
    if (!row || row.hours > max) return null;
    return row.hours;
  }

  async insertEntry(
    tx: Knex.Transaction,
    e: Omit<EntryRow, 'id' | 'created_at'> & { created_at: Date },
  ): Promise<EntryRow> {
    const [row] = (await tx('service_journal_entries').insert(e).returning('*')) as EntryRow[];
    return row!;
  }

  async insertCode(
    tx: Knex.Transaction,
    c: Omit<CodeRow, 'id' | 'attempts' | 'state' | 'used_at' | 'entry_id' | 'code_hash'>,
  ): Promise<CodeRow> {
    const [row] = (await tx('service_hour_codes')
      .insert({ ...c, code_hash: '' })
      .returning('*')) as CodeRow[];
    return row!;
  }

  async setCodeHash(tx: Knex.Transaction, id: number, hash: string): Promise<void> {
    await tx('service_hour_codes').where({ id }).update({ code_hash: hash });
  }

  async codesSince(db: Db, orderId: number, since: Date): Promise<number> {
    const row = (await db('service_hour_codes')
      .where({ order_id: orderId })
      .where('created_at', '>=', since)
      .count<{ n: string | number }>('* as n')
      .first())!;
    return Number(row.n);
  }

  async supersedePending(tx: Knex.Transaction, orderId: number): Promise<void> {
    await tx('service_hour_codes')
      .where({ order_id: orderId, state: 'pending' })
      .update({ state: 'superseded' });
  }

  async code(db: Db, id: number): Promise<CodeRow | undefined> {
    return rowById<CodeRow>(db, 'service_hour_codes', id);
  }

  async lockCode(tx: Knex.Transaction, id: number): Promise<CodeRow | undefined> {
    return lockRowById<CodeRow>(tx, 'service_hour_codes', id);
  }

  async updateCode(tx: Knex.Transaction, id: number, patch: Partial<CodeRow>): Promise<void> {
    await tx('service_hour_codes').where({ id }).update(patch);
  }

  async hoursByMonth(
    db: Db,
    from: string,
    to: string,
  ): Promise<{ month: string; help_type: ServiceHelpType; specialist: string; hours: number }[]> {
    return (await db('service_journal_entries as e')
      .join('persons as p', 'p.id', 'e.specialist_person_id')
      .whereBetween('e.day', [from, to])
      .groupByRaw(
        `to_char(e.day, 'YYYY-MM'), e.help_type, e.specialist_person_id, p.surname, p.name, p.patronymic`,
      )
      .orderByRaw(`1, 2, 3`)
      .select(
        db.raw(`to_char(e.day, 'YYYY-MM') as month`),
        'e.help_type',
        db.raw(`${FULL('p')} as specialist`),
        db.raw('sum(e.hours)::int as hours'),
      )) as { month: string; help_type: ServiceHelpType; specialist: string; hours: number }[];
  }
}

/** Monthly acts. */
export class ActsRepository {
  /** A new act by a creating action of the act machine (its status is the row's target). */
  async create(tx: Knex.Transaction, action: ActAction, a: Omit<Partial<ActRow>, 'status'>): Promise<ActRow> {
    const status = creationRow(actMachine, action).to;
    const [row] = (await tx('service_acts')
      .insert({ ...a, status })
      .returning('*')) as ActRow[];
    return row!;
  }

  async find(db: Db, id: number): Promise<ActRow | undefined> {
    return rowById<ActRow>(db, 'service_acts', id);
  }

  async lock(tx: Knex.Transaction, id: number): Promise<ActRow | undefined> {
    return lockRowById<ActRow>(tx, 'service_acts', id);
  }

  /** An act moved by an action of the act machine (the status is the row's target), with other fields. */
  async transition(
    tx: Knex.Transaction,
    act: ActRow,
    action: ActAction,
    patch: Omit<Partial<ActRow>, 'status'> = {},
  ): Promise<void> {
    const t = actMachine.find(act.status, action);
    if (!t) throw new Error(`service-act ${act.id}: ${action} from ${act.status}`);
    await tx('service_acts')
      .where({ id: act.id, status: act.status })
      .update({ ...patch, status: t.to });
  }

  /** Drafts older than the cut-off, expired (their files are removed by the caller after commit). */
  async cancelStaleDrafts(tx: Knex.Transaction, before: Date): Promise<ActRow[]> {
    const expire = actMachine.transitions.find((t) => t.action === 'expire')!;
    const stale = (await tx('service_acts')
      .whereIn('status', expire.from)
      .andWhere('created_at', '<', before)
      .forUpdate()
      .skipLocked()
      .limit(500)) as ActRow[];
    if (stale.length)
      await tx('service_acts')
        .whereIn(
          'id',
          stale.map((a) => a.id),
        )
        .update({ status: expire.to });
    return stale;
  }

  /** The act that locks a month: sent, or electronic and awaiting the recipient's signature. */
  async lockingAct(db: Db, orderId: number, period: string): Promise<ActRow | undefined> {
    return (await db('service_acts')
      .where({ order_id: orderId, period })
      .whereIn('status', LOCKING_ACT_STATUSES)
      .first()) as ActRow | undefined;
  }

  /** The acts of a month the recipient refused to sign (returned to the specialist), latest first. */
  async disputedOf(db: Db, orderId: number, period?: string): Promise<ActRow[]> {
    const q = db('service_acts').where({ order_id: orderId, status: 'disputed' });
    if (period) q.andWhere({ period });
    return (await q.orderBy('disputed_at', 'desc').orderBy('id', 'desc')) as ActRow[];
  }

  async ofOrder(db: Db, orderId: number): Promise<ActRow[]> {
    return (await db('service_acts')
      .where({ order_id: orderId })
      .whereNot('status', 'cancelled')
      .orderBy('period')
      .orderBy('id')) as ActRow[];
  }

  async ofOrders(db: Db, orderIds: number[], period: string): Promise<ActRow[]> {
    if (orderIds.length === 0) return [];
    return (await db('service_acts')
      .whereIn('order_id', orderIds)
      .where({ period })
      .whereNot('status', 'cancelled')
      .orderBy('id')) as ActRow[];
  }

  async sentBySpecialist(db: Db, specialistPersonId: number): Promise<ActView[]> {
    return (await db('service_acts as a')
      .join('orders as o', 'o.id', 'a.order_id')
      .join('persons as r', 'r.id', 'a.recipient_id')
      .join('persons as sp', 'sp.id', 'a.specialist_person_id')
      .where('a.specialist_person_id', specialistPersonId)
      .whereIn('a.status', LOCKING_ACT_STATUSES)
      .orderBy('a.sent_at', 'desc')
      .orderBy('a.id', 'desc')
      .select(
        'a.*',
        'o.number as order_number',
        'o.help_type',
        db.raw(`${FULL('r')} as recipient_name`),
        db.raw(`${FULL('sp')} as specialist_name`),
      )) as ActView[];
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
