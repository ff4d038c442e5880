import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { astanaDateTime } from '../../lib/clock.js';
import type { Locale } from '../../lib/i18n.js';

export interface OrdersFilter {
  /** Astana calendar dates, inclusive */
  from: string;
  to: string;
  helpType?: string;
  region?: string;
  status?: string;
}

export interface OrdersReportRow {
  month: string;
  help_type: string;
  help_type_name: string;
  region: string;
  kind: 'msu' | 'service' | 'goods';
  status: string;
  /** the locale key of the status name (msu:/services:/goods: status.<code>) */
  statusKey: string;
  count: number;
}

export interface IprRow {
  help_type: string;
  help_type_name: string;
  unit: 'hours' | 'items' | 'days' | 'tiyn';
  measures: number;
  people: number;
  volume: number;
  used: number;
  /** used share of the volume, one decimal */
  percent: number;
}

export interface QueueStat {
  institution: string;
  department: string;
  queueLength: number;
  avgWaitDays: number | null;
}

export interface HoursRow {
  month: string;
  helpType: string;
  specialist: string;
  hours: number;
}

/** Where each order kind keeps its status names in the locales. */
export const STATUS_NAMESPACE: Record<OrdersReportRow['kind'], string> = {
  msu: 'msu',
  service: 'services',
  goods: 'goods',
};

/** The other modules' reports this module shows. */
export interface ReportSources {
  queueStats: () => Promise<QueueStat[]>;
  hoursByMonth: (from: string, to: string) => Promise<HoursRow[]>;
}

/** Reports over the shared tables, plus what the МСУ and specialist modules report of themselves. */
export class ReportsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  /** The last twelve months up to today (Astana). */
  defaultPeriod(): { from: string; to: string } {
    const today = astanaDateTime(this.clock.now());
    return { from: today.minus({ months: 11 }).startOf('month').toISODate()!, to: today.toISODate()! };
  }

  private nameColumn(lang: Locale): string {
    return `h.name_${lang}`;
  }

  async orders(f: OrdersFilter, lang: Locale) {
    const q = this.db('orders as o')
      .join('persons as p', 'p.id', 'o.recipient_id')
      .join('help_types as h', 'h.code', 'o.help_type')
      .whereRaw(`o.created_at >= (?::date)::timestamp at time zone 'Asia/Almaty'`, [f.from])
      .whereRaw(`o.created_at < (?::date + 1)::timestamp at time zone 'Asia/Almaty'`, [f.to]);
    if (f.helpType) q.where('o.help_type', f.helpType);
    if (f.region) q.where('p.region', f.region);
    if (f.status) q.where('o.status', f.status);
    const rows = (await q
      .clone()
      .select(
        this.db.raw(`to_char(o.created_at at time zone 'Asia/Almaty', 'YYYY-MM') as month`),
        'o.help_type',
        this.db.raw(`${this.nameColumn(lang)} as help_type_name`),
        'p.region',
        'o.kind',
        'o.status',
        this.db.raw('count(*)::int as count'),
      )
      .groupByRaw(`1, 2, 3, 4, 5, 6, h.sort`)
      .orderByRaw('1, h.sort, 4, 5, 6')) as Omit<OrdersReportRow, 'statusKey'>[];
    const monthly = (await q
      .clone()
      .select(
        this.db.raw(`to_char(o.created_at at time zone 'Asia/Almaty', 'YYYY-MM') as month`),
        this.db.raw('count(*)::int as count'),
      )
      .groupByRaw('1')
      .orderByRaw('1')) as { month: string; count: number }[];
    const byHelpType = (await q
      .clone()
      .select(
        'o.help_type',
        this.db.raw(`${this.nameColumn(lang)} as help_type_name`),
        this.db.raw('count(*) filter (where o.is_open)::int as open'),
        this.db.raw('count(*) filter (where not o.is_open)::int as closed'),
      )
      .groupBy('o.help_type', this.db.raw(this.nameColumn(lang)), 'h.sort')
      .orderBy('h.sort')) as { help_type: string; help_type_name: string; open: number; closed: number }[];
    return {
      rows: rows.map((r) => ({ ...r, statusKey: `${STATUS_NAMESPACE[r.kind]}:status.${r.status}` })),
      monthly: fillMonths(monthly, f.from, f.to),
      byHelpType,
      total: monthly.reduce((a, m) => a + m.count, 0),
    };
  }

  /** What the filters offer: help types, regions and the statuses orders have. */
  async orderFilterOptions(lang: Locale) {
    const [helpTypes, regions, statuses] = await Promise.all([
      this.db('help_types as h')
        .where('h.active', true)
        .orderBy('h.sort')
        .select('h.code', this.db.raw(`${this.nameColumn(lang)} as name`)) as Promise<
        { code: string; name: string }[]
      >,
      this.db('persons').distinct('region').whereNot('region', '').orderBy('region') as Promise<
        { region: string }[]
      >,
      this.db('orders').distinct('kind', 'status').orderBy(['kind', 'status']) as Promise<
        { kind: OrdersReportRow['kind']; status: string }[]
      >,
    ]);
    return {
      helpTypes,
      regions: regions.map((r) => r.region),
      statuses: statuses.map((s) => ({
        code: s.status,
        statusKey: `${STATUS_NAMESPACE[s.kind]}:status.${s.status}`,
      })),
    };
  }

  /** IPR fulfilment: the volume assigned by Е-Собес and the volume used, per help type. */
  async iprFulfilment(lang: Locale): Promise<IprRow[]> {
    const rows = (await this.db('ipr_measures as m')
      .join('help_types as h', 'h.code', 'm.help_type')
      .groupBy('m.help_type', 'h.unit', 'h.sort', this.db.raw(this.nameColumn(lang)))
      .orderBy('h.sort')
      .select(
        'm.help_type',
        this.db.raw(`${this.nameColumn(lang)} as help_type_name`),
        'h.unit',
        this.db.raw('count(*)::int as measures'),
        this.db.raw('count(distinct m.person_id)::int as people'),
        this.db.raw('sum(m.volume)::bigint as volume'),
        this.db.raw('sum(m.used_volume)::bigint as used'),
      )) as Omit<IprRow, 'percent'>[];
    return rows.map((r) => ({
      ...r,
      volume: Number(r.volume),
      used: Number(r.used),
      percent: Number(r.volume) > 0 ? Math.round((Number(r.used) / Number(r.volume)) * 1000) / 10 : 0,
    }));
  }

  /** Queue lengths and waiting times per МСУ department (the МСУ module's own report). */
  async queueStats(sources: ReportSources): Promise<QueueStat[]> {
    return sources.queueStats();
  }

  /** Specialists' hours per month (the specialist services module's own report). */
  async hoursByMonth(sources: ReportSources, from: string, to: string): Promise<HoursRow[]> {
    return sources.hoursByMonth(from, to);
  }
}

/** Every month of the period, with 0 where there were no orders (a chart without gaps). */
export function fillMonths(
  rows: { month: string; count: number }[],
  from: string,
  to: string,
): { month: string; count: number }[] {
  const byMonth = new Map(rows.map((r) => [r.month, r.count]));
  const out: { month: string; count: number }[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const [ty, tm] = to.slice(0, 7).split('-').map(Number) as [number, number];
  for (let i = 0; i < 240 && (y < ty || (y === ty && m <= tm)); i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push({ month: key, count: byMonth.get(key) ?? 0 });
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
