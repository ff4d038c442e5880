import type { Knex } from 'knex';
import { prepared, runPrepared } from '../../db/prepared.js';
import type { PersonName } from '../people/names.js';
import {
  initialMeasureStatus,
  LIVE_MEASURE_STATUSES,
  measureMachine,
  type HelpCategory,
  type MeasureStatus,
} from './rules.js';
import type { OrderKind } from '../orders/orders-repository.js';

type Db = Knex | Knex.Transaction;

/**
 * The newest measure of a person ($1) and help type ($2) an order could be created against, locked
 * until the transaction ends: at most one row. lockLiveMeasure runs it; a signed step that reads it
 * with its other rows in one statement embeds the text (`select … from (LIVE_MEASURE_SQL) m`).
 */
export const LIVE_MEASURE_SQL = `select * from ipr_measures
   where person_id = $1 and help_type = $2
     and status in (${LIVE_MEASURE_STATUSES.map((st) => `'${st}'`).join(', ')})
   order by id desc limit 1 for update`;

const LOCK_LIVE_MEASURE = prepared('entitlements.lock_live_measure', LIVE_MEASURE_SQL);

export interface MeasureRow {
  id: number;
  external_id: string;
  ipr_id: number;
  person_id: number;
  help_type: string;
  volume: number;
  used_volume: number;
  deadline: string | null;
  status: MeasureStatus;
  notified_at: Date | null;
  choice_blocked_at: Date | null;
  activation_requested_at: Date | null;
  revision: number;
  received_at: Date;
  updated_at: Date;
}

/** The statuses a measure is exhausted from, and the one it takes (the machine's `exhaust` row). */
const EXHAUST = measureMachine.transitions.find((t) => t.action === 'exhaust')!;

export interface HelpTypeRow {
  code: string;
  category: HelpCategory;
  unit: 'hours' | 'items' | 'days' | 'tiyn';
  name_ru: string;
  name_kk: string;
  name_en: string;
  sort: number;
  active: boolean;
  /** a special social service (ССУ): the only help recommended to an elderly person */
  ssu: boolean;
}

/** Whose programme it is: a person with a disability (ИПР) or an elderly person (recommended ССУ). */
export type RecipientCategory = 'disability' | 'elderly';

export interface IprRow {
  id: number;
  external_id: string;
  person_id: number;
  developed_on: string;
  valid_until: string | null;
  category: RecipientCategory;
  disability_group: number | null;
}

export type MeasureWithType = MeasureRow & {
  category: HelpCategory;
  unit: HelpTypeRow['unit'];
  name_ru: string;
  name_kk: string;
  name_en: string;
  sort: number;
  ipr_external_id: string;
  developed_on: string;
  valid_until: string | null;
  ipr_category: RecipientCategory;
  disability_group: number | null;
  open_order_id: number | null;
  open_order_number: string | null;
  open_order_kind: OrderKind | null;
};

export interface PhoneConfirmationRow {
  id: number;
  person_id: number;
  requested_by: number | null;
  phone: string;
  code_hash: string;
  attempts: number;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

/** IPRs, measures and their windows; the help types they name. */
interface HelpPrincipalColumns {
  principal_id: number;
  principal_surname: string;
  principal_name: string;
  principal_patronymic: string | null;
}

const HELP_PAGE = prepared(
  'entitlements.help_page',
  `select p.id as principal_id, p.surname as principal_surname, p.name as principal_name,
          p.patronymic as principal_patronymic,
          m.*, h.category, h.unit, h.name_ru, h.name_kk, h.name_en, h.sort,
          i.external_id as ipr_external_id, i.developed_on, i.valid_until, i.category as ipr_category,
          i.disability_group,
          o.id as open_order_id, o.number as open_order_number, o.kind as open_order_kind
     from persons p
     left join (ipr_measures m
                join help_types h on h.code = m.help_type
                join iprs i on i.id = m.ipr_id) on m.person_id = p.id
     left join orders o on o.recipient_id = m.person_id and o.help_type = m.help_type and o.is_open = true
    where p.id = $1
      and (p.id = $2 or ($3::boolean and exists (
            select 1 from guardianships g where g.guardian_id = $2 and g.ward_id = p.id)))
    order by h.sort asc, m.id desc`,
);

export class EntitlementsRepository {
  async helpTypes(db: Db): Promise<Map<string, HelpTypeRow>> {
    const rows = (await db('help_types').orderBy('sort')) as HelpTypeRow[];
    return new Map(rows.map((r) => [r.code, r]));
  }

  /**
   * A person's measures with their help type, IPR and the open order of the help type (at most one:
   * the partial unique index on open orders), in one query.
   */
  /**
   * What «Помощь для вас» shows, in one round trip (a prepared statement): the principal's name and
   * their measures with the help type, the IPR and the open order of each. No row when the actor may
   * not act for the principal: the principal is the actor, or the actor is a guardian (`asGuardian`)
   * with a guardianship of them on record, the rule of `principalOf`.
   */
  async helpPageOf(
    db: Db,
    principalId: number,
    actorId: number,
    asGuardian: boolean,
  ): Promise<{ principal: PersonName & { id: number }; measures: MeasureWithType[] } | undefined> {
    const rows = await runPrepared<MeasureWithType & HelpPrincipalColumns>(db, HELP_PAGE, [
      principalId,
      actorId,
      asGuardian,
    ]);
    const first = rows[0];
    if (!first) return undefined;
    return {
      principal: {
        id: first.principal_id,
        surname: first.principal_surname,
        name: first.principal_name,
        patronymic: first.principal_patronymic,
      },
      measures: rows.filter((r) => r.id !== null),
    };
  }

  async lockMeasureOf(
    tx: Knex.Transaction,
    measureId: number,
    personId: number,
  ): Promise<MeasureRow | undefined> {
    return (await tx('ipr_measures').where({ id: measureId, person_id: personId }).forUpdate().first()) as
      MeasureRow | undefined;
  }

  async lockMeasureByExternalId(tx: Knex.Transaction, externalId: string): Promise<MeasureRow | undefined> {
    return (await tx('ipr_measures').where({ external_id: externalId }).forUpdate().first()) as
      MeasureRow | undefined;
  }

  /** Inserts a new measure; undefined when another import inserted the same external id meanwhile. */
  async insertMeasure(
    tx: Knex.Transaction,
    m: {
      externalId: string;
      iprId: number;
      personId: number;
      helpType: string;
      volume: number;
      deadline: string | null;
      at: Date;
    },
  ): Promise<MeasureRow | undefined> {
    const rows = (await tx('ipr_measures')
      .insert({
        external_id: m.externalId,
        ipr_id: m.iprId,
        person_id: m.personId,
        help_type: m.helpType,
        volume: m.volume,
        deadline: m.deadline,
        status: initialMeasureStatus(m.volume),
        notified_at: m.at,
        revision: 1,
        received_at: m.at,
        updated_at: m.at,
      })
      .onConflict('external_id')
      .ignore()
      .returning('*')) as MeasureRow[];
    return rows[0];
  }

  /** The newest measure of a help type an order could be created against, locked. */
  async lockLiveMeasure(
    tx: Knex.Transaction,
    personId: number,
    helpType: string,
  ): Promise<MeasureRow | undefined> {
    return (await runPrepared<MeasureRow>(tx, LOCK_LIVE_MEASURE, [personId, helpType]))[0];
  }

  async hasOpenOrder(db: Db, personId: number, helpType: string): Promise<boolean> {
    const open = await db('orders')
      .where({ recipient_id: personId, help_type: helpType, is_open: true })
      .first('id');
    return Boolean(open);
  }

  /**
   * Adds to the used volume unless that would pass the volume (undefined then); the measure is
   * exhausted in the same statement when nothing remains.
   */
  async useVolume(
    tx: Knex.Transaction,
    measureId: number,
    amount: number,
  ): Promise<{ volume: number; used_volume: number } | undefined> {
    const from = EXHAUST.from.map(() => '?').join(', ');
    const rows = (await tx('ipr_measures')
      .where({ id: measureId })
      .andWhereRaw('used_volume + ? <= volume', [amount])
      .update({
        used_volume: tx.raw('used_volume + ?', [amount]),
        status: tx.raw(`case when used_volume + ? >= volume and status in (${from}) then ? else status end`, [
          amount,
          ...EXHAUST.from,
          EXHAUST.to,
        ]),
        updated_at: tx.fn.now(),
      })
      .returning(['volume', 'used_volume'])) as { volume: number; used_volume: number }[];
    return rows[0];
  }

  async updateMeasure(tx: Knex.Transaction, id: number, patch: Record<string, unknown>): Promise<MeasureRow> {
    const [row] = (await tx('ipr_measures').where({ id }).update(patch).returning('*')) as MeasureRow[];
    return row!;
  }

  /** Creates or refreshes an IPR by its Е-Собес id; returns the row as stored (with its owner). */
  async upsertIpr(
    tx: Knex.Transaction,
    ipr: {
      externalId: string;
      personId: number;
      developedOn: string;
      validUntil: string | null;
      category: RecipientCategory;
      disabilityGroup: number | null;
      at: Date;
    },
  ): Promise<IprRow> {
    const existing = (await tx('iprs').where({ external_id: ipr.externalId }).forUpdate().first()) as
      IprRow | undefined;
    if (existing) {
      if (existing.person_id !== ipr.personId) return existing;
      if (
        existing.developed_on !== ipr.developedOn ||
        (existing.valid_until ?? null) !== ipr.validUntil ||
        existing.category !== ipr.category ||
        (existing.disability_group ?? null) !== ipr.disabilityGroup
      ) {
        const [row] = (await tx('iprs')
          .where({ id: existing.id })
          .update({
            developed_on: ipr.developedOn,
            valid_until: ipr.validUntil,
            category: ipr.category,
            disability_group: ipr.disabilityGroup,
            updated_at: ipr.at,
          })
          .returning('*')) as IprRow[];
        return row!;
      }
      return existing;
    }
    const [row] = (await tx('iprs')
      .insert({
        external_id: ipr.externalId,
        person_id: ipr.personId,
        developed_on: ipr.developedOn,
        valid_until: ipr.validUntil,
        category: ipr.category,
        disability_group: ipr.disabilityGroup,
        received_at: ipr.at,
        updated_at: ipr.at,
      })
      .onConflict('external_id')
      .merge(['updated_at'])
      .returning('*')) as IprRow[];
    return row!;
  }

  async iprExternalId(db: Db, iprId: number): Promise<string> {
    const ipr = (await db('iprs').where({ id: iprId }).first('external_id')) as { external_id: string };
    return ipr.external_id;
  }

  async personIdsByIin(db: Db, iins: string[]): Promise<Map<string, number>> {
    if (iins.length === 0) return new Map();
    const rows = (await db('persons').whereIn('iin', iins).select('id', 'iin')) as {
      id: number;
      iin: string;
    }[];
    return new Map(rows.map((r) => [r.iin, r.id]));
  }

  /**
   * Locks a batch of open measures whose supplier-choice window is over on `today` (Astana date) and
   * that have no open order; rows another worker holds are skipped.
   */
  async lockWindowOver(
    tx: Knex.Transaction,
    today: string,
    helpTypes: string[],
    limit: number,
  ): Promise<MeasureRow[]> {
    return (await tx('ipr_measures as m')
      .where('m.status', 'open')
      .whereNotNull('m.notified_at')
      .whereIn('m.help_type', helpTypes)
      .whereRaw(`((m.notified_at at time zone 'Asia/Almaty')::date + interval '2 months') <= ?::date`, [
        today,
      ])
      .whereNotExists(function () {
        this.select(1)
          .from('orders as o')
          .whereRaw('o.recipient_id = m.person_id and o.help_type = m.help_type and o.is_open');
      })
      .orderBy('m.id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('m.*')) as MeasureRow[];
  }
}

/** One-time codes that confirm a new phone number. */
export class PhoneConfirmationsRepository {
  async create(
    tx: Knex.Transaction,
    c: { personId: number; requestedBy: number; phone: string; at: Date; expiresAt: Date },
  ): Promise<PhoneConfirmationRow> {
    const [row] = (await tx('phone_confirmations')
      .insert({
        person_id: c.personId,
        requested_by: c.requestedBy,
        phone: c.phone,
        code_hash: '0'.repeat(64),
        created_at: c.at,
        expires_at: c.expiresAt,
      })
      .returning('*')) as PhoneConfirmationRow[];
    return row!;
  }

  async setHash(tx: Knex.Transaction, id: number, hash: string): Promise<void> {
    await tx('phone_confirmations').where({ id }).update({ code_hash: hash });
  }

  /** The newest confirmation of a person, locked (it alone counts; a new code replaces older ones). */
  async lockLatest(tx: Knex.Transaction, personId: number): Promise<PhoneConfirmationRow | undefined> {
    return (await tx('phone_confirmations')
      .where({ person_id: personId })
      .orderBy('id', 'desc')
      .forUpdate()
      .first()) as PhoneConfirmationRow | undefined;
  }

  async latest(db: Db, personId: number): Promise<PhoneConfirmationRow | undefined> {
    return (await db('phone_confirmations').where({ person_id: personId }).orderBy('id', 'desc').first()) as
      PhoneConfirmationRow | undefined;
  }

  async countSince(db: Db, personId: number, since: Date): Promise<number> {
    const row = (await db('phone_confirmations')
      .where({ person_id: personId })
      .andWhere('created_at', '>', since)
      .count<{ count: number }[]>('* as count')
      .first()) as { count: number } | undefined;
    return Number(row?.count ?? 0);
  }

  async recordAttempt(tx: Knex.Transaction, id: number): Promise<number> {
    const [row] = (await tx('phone_confirmations')
      .where({ id })
      .increment('attempts', 1)
      .returning('attempts')) as { attempts: number }[];
    return row!.attempts;
  }

  async consume(tx: Knex.Transaction, id: number, at: Date): Promise<void> {
    await tx('phone_confirmations').where({ id }).whereNull('consumed_at').update({ consumed_at: at });
  }
}

/** The contacts and preferences a person edits in the cabinet (their other data comes from the registries). */
export class PersonContactsRepository {
  /** Locks the person's row: one person's contact changes queue up here. */
  async lock(tx: Knex.Transaction, personId: number): Promise<void> {
    await tx('persons').where({ id: personId }).forUpdate().first('id');
  }

  async update(
    tx: Knex.Transaction,
    personId: number,
    change: { phone?: string; email?: string | null; notify_channel?: 'sms' | 'email'; locale?: string },
  ): Promise<void> {
    await tx('persons').where({ id: personId }).update(change);
  }
}
