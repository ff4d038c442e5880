import type { Knex } from 'knex';
import type { Locale } from '../../lib/i18n.js';

type Db = Knex | Knex.Transaction;

export type ReportOrderKind = 'msu' | 'service' | 'goods' | 'sanatorium';

export interface OrdersFilter {
  /** Astana calendar dates, inclusive */
  from: string;
  to: string;
  helpType?: string;
  region?: string;
  status?: string;
}

export interface OrdersCountRow {
  month: string;
  help_type: string;
  help_type_name: string;
  region: string;
  kind: ReportOrderKind;
  status: string;
  count: number;
}

export interface IprSumRow {
  help_type: string;
  help_type_name: string;
  unit: 'hours' | 'items' | 'days' | 'tiyn';
  measures: number;
  people: number;
  volume: number | string;
  used: number | string;
}

const MONTH = `to_char(o.created_at at time zone 'Asia/Almaty', 'YYYY-MM') as month`;

/** The help type's name in the reader's language (a stored column per language). */
function nameColumn(lang: Locale): string {
  return `h.name_${lang}`;
}

/** Counts over the shared tables (orders, IPR measures) for the administrator's reports. */
export class ReportsRepository {
  private ordersIn(db: Db, f: OrdersFilter) {
    const q = db('orders as o')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .join('help_types as h', 'h.code', 'o.help_type')
      .whereRaw(`o.created_at >= (?::date)::timestamp at time zone 'Asia/Almaty'`, [f.from])
      .whereRaw(`o.created_at < (?::date + 1)::timestamp at time zone 'Asia/Almaty'`, [f.to]);
    if (f.helpType) q.where('o.help_type', f.helpType);
    if (f.region) q.where('p.region', f.region);
    if (f.status) q.where('o.status', f.status);
    return q;
  }

  /** Orders of the period per month, help type, region, kind and status. */
  async orderCounts(db: Db, f: OrdersFilter, lang: Locale): Promise<OrdersCountRow[]> {
    return (await this.ordersIn(db, f)
      .select(
        db.raw(MONTH),
        'o.help_type',
        db.raw(`${nameColumn(lang)} as help_type_name`),
        'p.region',
        'o.kind',
        'o.status',
        db.raw('count(*)::int as count'),
      )
      .groupByRaw(`1, 2, 3, 4, 5, 6, h.sort`)
      .orderByRaw('1, h.sort, 4, 5, 6')) as OrdersCountRow[];
  }

  async ordersByMonth(db: Db, f: OrdersFilter): Promise<{ month: string; count: number }[]> {
    return (await this.ordersIn(db, f)
      .select(db.raw(MONTH), db.raw('count(*)::int as count'))
      .groupByRaw('1')
      .orderByRaw('1')) as { month: string; count: number }[];
  }

  async ordersByHelpType(
    db: Db,
    f: OrdersFilter,
    lang: Locale,
  ): Promise<{ help_type: string; help_type_name: string; open: number; closed: number }[]> {
    return (await this.ordersIn(db, f)
      .select(
        'o.help_type',
        db.raw(`${nameColumn(lang)} as help_type_name`),
        db.raw('count(*) filter (where o.is_open)::int as open'),
        db.raw('count(*) filter (where not o.is_open)::int as closed'),
      )
      .groupBy('o.help_type', db.raw(nameColumn(lang)), 'h.sort')
      .orderBy('h.sort')) as { help_type: string; help_type_name: string; open: number; closed: number }[];
  }

  async activeHelpTypes(db: Db, lang: Locale): Promise<{ code: string; name: string }[]> {
    return (await db('help_types as h')
      .where('h.active', true)
      .orderBy('h.sort')
      .select('h.code', db.raw(`${nameColumn(lang)} as name`))) as { code: string; name: string }[];
  }

  async regions(db: Db): Promise<string[]> {
    const rows = (await db('persons').distinct('region').whereNot('region', '').orderBy('region')) as {
      region: string;
    }[];
    return rows.map((r) => r.region);
  }

  async orderStatuses(db: Db): Promise<{ kind: ReportOrderKind; status: string }[]> {
    return (await db('orders').distinct('kind', 'status').orderBy(['kind', 'status'])) as {
      kind: ReportOrderKind;
      status: string;
    }[];
  }

  /** Per help type: the measures, the people, the volume assigned and the volume used. */
  async iprSums(db: Db, lang: Locale): Promise<IprSumRow[]> {
    return (await db('ipr_measures as m')
      .join('help_types as h', 'h.code', 'm.help_type')
      .groupBy('m.help_type', 'h.unit', 'h.sort', db.raw(nameColumn(lang)))
      .orderBy('h.sort')
      .select(
        'm.help_type',
        db.raw(`${nameColumn(lang)} as help_type_name`),
        'h.unit',
        db.raw('count(*)::int as measures'),
        db.raw('count(distinct m.person_id)::int as people'),
        db.raw('sum(m.volume)::bigint as volume'),
        db.raw('sum(m.used_volume)::bigint as used'),
      )) as IprSumRow[];
  }
}
