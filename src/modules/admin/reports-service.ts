import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { astanaDateTime } from '../../lib/clock.js';
import type { Locale } from '../../lib/i18n.js';
import type { OrdersFilter, ReportsRepository } from './reports-repository.js';

export type { OrdersFilter } from './reports-repository.js';

export interface OrdersReportRow {
  month: string;
  help_type: string;
  help_type_name: string;
  region: string;
  kind: 'msu' | 'service' | 'goods' | 'sanatorium';
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
  sanatorium: 'sanatorium',
};

function statusKeyOf(kind: OrdersReportRow['kind'], status: string): string {
  return `${STATUS_NAMESPACE[kind]}:status.${status}`;
}

/** The other modules' reports this module shows. */
export interface ReportSources {
  queueStats: () => Promise<QueueStat[]>;
  hoursByMonth: (from: string, to: string) => Promise<HoursRow[]>;
}

/** Reports over the shared tables, plus what the МСУ and specialist modules report of themselves. */
export class ReportsService {
  constructor(
    private readonly db: Knex,
    private readonly repo: ReportsRepository,
    private readonly clock: Clock,
  ) {}

  /** The last twelve months up to today (Astana). */
  defaultPeriod(): { from: string; to: string } {
    const today = astanaDateTime(this.clock.now());
    return { from: today.minus({ months: 11 }).startOf('month').toISODate()!, to: today.toISODate()! };
  }

  async orders(f: OrdersFilter, lang: Locale) {
    const [rows, monthly, byHelpType] = await Promise.all([
      this.repo.orderCounts(this.db, f, lang),
      this.repo.ordersByMonth(this.db, f),
      this.repo.ordersByHelpType(this.db, f, lang),
    ]);
    return {
      rows: rows.map((r): OrdersReportRow => ({ ...r, statusKey: statusKeyOf(r.kind, r.status) })),
      monthly: fillMonths(monthly, f.from, f.to),
      byHelpType,
      total: monthly.reduce((a, m) => a + m.count, 0),
    };
  }

  /** What the filters offer: help types, regions and the statuses orders have. */
  async orderFilterOptions(lang: Locale) {
    const [helpTypes, regions, statuses] = await Promise.all([
      this.repo.activeHelpTypes(this.db, lang),
      this.repo.regions(this.db),
      this.repo.orderStatuses(this.db),
    ]);
    return {
      helpTypes,
      regions,
      statuses: statuses.map((s) => ({ code: s.status, statusKey: statusKeyOf(s.kind, s.status) })),
    };
  }

  /** IPR fulfilment: the volume assigned by Е-Собес and the volume used, per help type. */
  async iprFulfilment(lang: Locale): Promise<IprRow[]> {
    const rows = await this.repo.iprSums(this.db, lang);
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
