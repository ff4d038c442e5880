import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface SanatoriumRow {
  organisation_id: number;
  name: string;
  region: string;
  locality: string;
  address: string;
  profiles: string[];
  description: string;
  wheelchair: boolean;
  lift: boolean;
  adapted_rooms: boolean;
  sign_language: boolean;
  published: boolean;
}

export interface PeriodRow {
  id: number;
  organisation_id: number;
  starts_on: string;
  days: number;
  places: number;
  companion_places: number;
  booked: number;
  companion_booked: number;
  price_tiyn: number;
  companion_price_tiyn: number;
  active: boolean;
}

export interface SanatoriumOrderRow {
  order_id: number;
  period_id: number;
  organisation_id: number;
  with_companion: boolean;
  price_tiyn: number;
  guaranteed_tiyn: number;
  surcharge_tiyn: number;
  holds_places: boolean;
  voucher_number: string | null;
  created_document_id: number | null;
  reimbursement_document_id: number | null;
  voucher_document_id: number | null;
  arrived_at: Date | null;
  departed_at: Date | null;
  days_used: number | null;
}

export interface MeasureTerms {
  id: number;
  status: string;
  volume: number;
  used_volume: number;
  deadline: string | null;
  profile: string | null;
  companion_allowed: boolean;
}

export interface SearchFilter {
  region?: string;
  profile?: string;
  month?: string;
  accessibility?: string[];
  from: string;
}

const DATE = (col: string) => `to_char(${col}, 'YYYY-MM-DD')`;

const PERIOD_COLUMNS = (db: Db, a = 'p') => [
  `${a}.id`,
  `${a}.organisation_id`,
  db.raw(`${DATE(`${a}.starts_on`)} as starts_on`),
  `${a}.days`,
  `${a}.places`,
  `${a}.companion_places`,
  `${a}.booked`,
  `${a}.companion_booked`,
  db.raw(`${a}.price_tiyn::float8 as price_tiyn`),
  db.raw(`${a}.companion_price_tiyn::float8 as companion_price_tiyn`),
  `${a}.active`,
];

function money<T extends object>(row: T, keys: (keyof T)[]): T {
  const r = { ...row };
  for (const k of keys) if (r[k] !== null && r[k] !== undefined) (r[k] as unknown) = Number(r[k]);
  return r;
}

/** knex for the sanatorium tables. */
export interface SanatoriumPhotoRow {
  id: number;
  organisation_id: number;
  stored_name: string;
  content_type: string;
  size_bytes: number;
  alt: string;
  created_at: Date;
}

export class SanatoriumRepository {
  // ---- photos (issue 17 item 1)

  async photos(db: Db, organisationId: number): Promise<SanatoriumPhotoRow[]> {
    return (await db('sanatorium_photos')
      .where({ organisation_id: organisationId })
      .orderBy('id')) as SanatoriumPhotoRow[];
  }

  /** A photo with whether its sanatorium is on offer (published, its organisation active). */
  async photo(db: Db, id: number): Promise<(SanatoriumPhotoRow & { offered: boolean }) | undefined> {
    return (await db('sanatorium_photos as p')
      .join('sanatoriums as s', 's.organisation_id', 'p.organisation_id')
      .join('organisations as o', 'o.id', 'p.organisation_id')
      .where('p.id', id)
      .first('p.*', db.raw(`(s.published and o.active) as offered`))) as
      (SanatoriumPhotoRow & { offered: boolean }) | undefined;
  }

  async countPhotos(db: Db, organisationId: number): Promise<number> {
    const row = (await db('sanatorium_photos')
      .where({ organisation_id: organisationId })
      .count<{ n: number }[]>('* as n')
      .first()) as { n: number } | undefined;
    return Number(row?.n ?? 0);
  }

  async insertPhoto(
    tx: Knex.Transaction,
    row: Omit<SanatoriumPhotoRow, 'id' | 'created_at'> & { created_at: Date },
  ): Promise<SanatoriumPhotoRow> {
    const [r] = (await tx('sanatorium_photos').insert(row).returning('*')) as SanatoriumPhotoRow[];
    return r!;
  }

  async deletePhoto(
    tx: Knex.Transaction,
    organisationId: number,
    id: number,
  ): Promise<SanatoriumPhotoRow | undefined> {
    const [r] = (await tx('sanatorium_photos')
      .where({ id, organisation_id: organisationId })
      .delete()
      .returning('*')) as SanatoriumPhotoRow[];
    return r;
  }

  /** Serialises photo uploads of one sanatorium (the count limit). */
  async lockSanatorium(tx: Knex.Transaction, organisationId: number): Promise<void> {
    await tx('sanatoriums').where({ organisation_id: organisationId }).forUpdate().first('organisation_id');
  }

  async sanatorium(db: Db, organisationId: number): Promise<SanatoriumRow | undefined> {
    return (await db('sanatoriums').where({ organisation_id: organisationId }).first()) as
      SanatoriumRow | undefined;
  }

  async saveSanatorium(tx: Knex.Transaction, row: SanatoriumRow): Promise<void> {
    await tx('sanatoriums')
      .insert({ ...row, updated_at: tx.fn.now() })
      .onConflict('organisation_id')
      .merge();
  }

  async periods(db: Db, organisationId: number): Promise<PeriodRow[]> {
    return (await db('sanatorium_periods as p')
      .where('p.organisation_id', organisationId)
      .orderBy('p.starts_on')
      .orderBy('p.id')
      .select(PERIOD_COLUMNS(db))) as PeriodRow[];
  }

  async period(db: Db, id: number): Promise<PeriodRow | undefined> {
    return (await db('sanatorium_periods as p').where('p.id', id).first(PERIOD_COLUMNS(db))) as
      PeriodRow | undefined;
  }

  async insertPeriod(
    tx: Knex.Transaction,
    row: Omit<PeriodRow, 'id' | 'booked' | 'companion_booked' | 'active'>,
  ): Promise<number> {
    const [r] = (await tx('sanatorium_periods').insert(row).returning('id')) as { id: number }[];
    return Number(r!.id);
  }

  /**
   * Holds a place (and one for the accompanying person): a conditional increment, so concurrent
   * holds never overbook (the CHECK is the last line). Returns what was short, or null when held.
   */
  async hold(
    tx: Knex.Transaction,
    periodId: number,
    withCompanion: boolean,
  ): Promise<'full' | 'companion' | null> {
    const c = withCompanion ? 1 : 0;
    const n = await tx('sanatorium_periods')
      .where({ id: periodId, active: true })
      .whereRaw('booked < places')
      .whereRaw('companion_booked + ? <= companion_places', [c])
      .update({ booked: tx.raw('booked + 1'), companion_booked: tx.raw('companion_booked + ?', [c]) });
    if (n === 1) return null;
    const p = (await tx('sanatorium_periods').where({ id: periodId }).first()) as PeriodRow | undefined;
    if (p && p.booked < p.places && withCompanion) return 'companion';
    return 'full';
  }

  async release(tx: Knex.Transaction, periodId: number, withCompanion: boolean): Promise<void> {
    await tx('sanatorium_periods')
      .where({ id: periodId })
      .update({
        booked: tx.raw('booked - 1'),
        companion_booked: tx.raw('companion_booked - ?', [withCompanion ? 1 : 0]),
      });
  }

  /** Periods of published sanatoriums of active organisations with the direction, from a date on. */
  async search(db: Db, f: SearchFilter) {
    const q = db('sanatorium_periods as p')
      .join('sanatoriums as s', 's.organisation_id', 'p.organisation_id')
      .join('organisations as o', 'o.id', 's.organisation_id')
      .where('s.published', true)
      .where('p.active', true)
      .where('o.status', 'active')
      .whereRaw(`'sanatorium' = any(o.directions)`)
      .where('p.starts_on', '>=', f.from)
      .orderBy('p.starts_on')
      .orderBy('s.name')
      .orderBy('p.id')
      .select([
        ...PERIOD_COLUMNS(db),
        's.name',
        's.region',
        's.locality',
        's.address',
        's.profiles',
        's.wheelchair',
        's.lift',
        's.adapted_rooms',
        's.sign_language',
      ]);
    if (f.region) q.where('s.region', f.region);
    if (f.profile) q.whereRaw(`(? = any(s.profiles) or 'general' = any(s.profiles))`, [f.profile]);
    if (f.month) q.whereRaw(`to_char(p.starts_on, 'YYYY-MM') = ?`, [f.month]);
    for (const a of f.accessibility ?? []) {
      if (['wheelchair', 'lift', 'adapted_rooms', 'sign_language'].includes(a)) q.where(`s.${a}`, true);
    }
    return (await q) as (PeriodRow & Omit<SanatoriumRow, 'organisation_id' | 'description' | 'published'>)[];
  }

  async insertOrder(tx: Knex.Transaction, row: Partial<SanatoriumOrderRow>): Promise<void> {
    await tx('sanatorium_orders').insert(row);
  }

  async order(db: Db, orderId: number, forUpdate = false): Promise<SanatoriumOrderRow | undefined> {
    const q = db('sanatorium_orders').where({ order_id: orderId }).first();
    if (forUpdate) void q.forUpdate();
    const row = (await q) as SanatoriumOrderRow | undefined;
    return row ? money(row, ['price_tiyn', 'guaranteed_tiyn', 'surcharge_tiyn']) : undefined;
  }

  async updateOrder(
    tx: Knex.Transaction,
    orderId: number,
    patch: Partial<SanatoriumOrderRow>,
  ): Promise<void> {
    if (Object.keys(patch).length) await tx('sanatorium_orders').where({ order_id: orderId }).update(patch);
  }

  /** The incoming orders of a sanatorium, newest first, with the recipient and the period. */
  async ordersOf(db: Db, organisationId: number) {
    return (await db('sanatorium_orders as so')
      .join('orders as o', 'o.id', 'so.order_id')
      .join('persons as r', 'r.id', 'o.recipient_id')
      .join('sanatorium_periods as p', 'p.id', 'so.period_id')
      .where('so.organisation_id', organisationId)
      .whereNot('o.status', 'created')
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(200)
      .select(
        'o.id',
        'o.number',
        'o.status',
        'o.created_at',
        'so.with_companion',
        db.raw(`${DATE('p.starts_on')} as starts_on`),
        'p.days',
        db.raw(`concat_ws(' ', r.surname, r.name, r.patronymic) as recipient_name`),
      )) as {
      id: number;
      number: string;
      status: string;
      created_at: Date;
      with_companion: boolean;
      starts_on: string;
      days: number;
      recipient_name: string;
    }[];
  }

  /** The principal's live sanatorium measure with its terms (profile, accompanying person). */
  async measure(db: Db, personId: number): Promise<MeasureTerms | undefined> {
    return (await db('ipr_measures as m')
      .leftJoin('sanatorium_measure_terms as t', 't.measure_id', 'm.id')
      .where({ 'm.person_id': personId, 'm.help_type': 'SANATORIUM' })
      .whereNot('m.status', 'closed')
      .orderBy('m.id', 'desc')
      .first(
        'm.id',
        'm.status',
        'm.volume',
        'm.used_volume',
        db.raw(`${DATE('m.deadline')} as deadline`),
        't.profile',
        db.raw('coalesce(t.companion_allowed, false) as companion_allowed'),
      )) as MeasureTerms | undefined;
  }

  async companionAllowed(db: Db, measureId: number): Promise<boolean> {
    const r = (await db('sanatorium_measure_terms').where({ measure_id: measureId }).first()) as
      { companion_allowed: boolean } | undefined;
    return r?.companion_allowed ?? false;
  }

  async remainingVolume(tx: Knex.Transaction, measureId: number): Promise<number> {
    const m = (await tx('ipr_measures').where({ id: measureId }).first('volume', 'used_volume')) as {
      volume: number;
      used_volume: number;
    };
    return m.volume - m.used_volume;
  }

  async guaranteedTiyn(db: Db): Promise<number> {
    const r = (await db('help_types').where({ code: 'SANATORIUM' }).first('guaranteed_sum_tiyn')) as {
      guaranteed_sum_tiyn: string | number | null;
    };
    return Number(r?.guaranteed_sum_tiyn ?? 0);
  }

  async measureExternalId(db: Db, measureId: number): Promise<string | undefined> {
    const r = (await db('ipr_measures').where({ id: measureId }).first('external_id')) as
      { external_id: string } | undefined;
    return r?.external_id;
  }

  async signedDocuments(db: Db, ids: number[]) {
    return (await db('signed_documents')
      .whereIn('id', ids)
      .select('id', 'signed_xml_sha256', 'verification_code')) as {
      id: number;
      signed_xml_sha256: string;
      verification_code: string;
    }[];
  }

  /** Places offered, booked and used per region and month (the administrator's report). */
  async report(db: Db) {
    const r = (await db.raw(
      `select s.region, to_char(p.starts_on, 'YYYY-MM') as month,
              sum(p.places)::int as offered, sum(p.booked)::int as booked,
              coalesce(sum(u.used), 0)::int as used
         from sanatorium_periods p
         join sanatoriums s on s.organisation_id = p.organisation_id
         left join (select so.period_id, count(*) as used
                      from sanatorium_orders so join orders o on o.id = so.order_id
                     where o.status in ('arrived', 'completed', 'departed_early')
                     group by so.period_id) u on u.period_id = p.id
        group by s.region, to_char(p.starts_on, 'YYYY-MM')
        order by month, s.region`,
    )) as { rows: { region: string; month: string; offered: number; booked: number; used: number }[] };
    return r.rows;
  }

  /** The registry: every sanatorium with its organisation's standing and its periods' totals. */
  async registry(db: Db) {
    return (await db('sanatoriums as s')
      .join('organisations as o', 'o.id', 's.organisation_id')
      .leftJoin('sanatorium_periods as p', 'p.organisation_id', 's.organisation_id')
      .groupBy('s.organisation_id', 'o.id')
      .orderBy('s.name')
      .select(
        's.organisation_id',
        's.name',
        's.region',
        's.locality',
        's.published',
        's.profiles',
        'o.bin',
        'o.status',
        db.raw('count(p.id)::int as periods'),
        db.raw('coalesce(sum(p.places), 0)::int as places'),
        db.raw('coalesce(sum(p.booked), 0)::int as booked'),
      )) as {
      organisation_id: number;
      name: string;
      region: string;
      locality: string;
      published: boolean;
      profiles: string[];
      bin: string;
      status: string;
      periods: number;
      places: number;
      booked: number;
    }[];
  }
}
