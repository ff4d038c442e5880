import { Router, type Request } from 'express';
import type { TFunction } from 'i18next';
import type { WebServices } from '../../modules/index.js';
import { ordersReportQuery } from '../../modules/admin/schemas.js';
import { barChart } from './charts.js';
import { formatTiyn } from '../../lib/money.js';
import type { IprRow, OrdersFilter, ReportSources } from '../../modules/admin/reports-service.js';
import { sendCsvTable, type CsvColumn } from './csv-export.js';
import { parseFilters } from '../../web/filters.js';

/** The reports the МСУ and specialist modules publish about themselves. */
export function reportSources(services: WebServices): ReportSources {
  return {
    queueStats: () => services.msu.reports.queueStats(),
    hoursByMonth: (from, to) => services.specialistServices.reports.hoursByMonth(from, to),
  };
}

function amount(v: number, unit: IprRow['unit'], t: TFunction, lang: string): string {
  return unit === 'tiyn' ? formatTiyn(v, lang) : t(`admin:units.${unit}`, { count: v });
}

function periodOf(services: WebServices, req: Request): OrdersFilter {
  const q = parseFilters(ordersReportQuery, req);
  const def = services.admin.reports.defaultPeriod();
  let from = q.from || def.from;
  let to = q.to || def.to;
  if (from > to) [from, to] = [to, from];
  return {
    from,
    to,
    ...(q.helpType ? { helpType: q.helpType } : {}),
    ...(q.region ? { region: q.region } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
}

/** Reports with server-drawn SVG charts, their data tables and CSV exports (administrators). */
export function reportsRoutes(services: WebServices): Router {
  const router = Router();
  const { reports } = services.admin;
  const sources = reportSources(services);

  router.get('/reports', async (req, res) => {
    const t = req.t;
    const lang = req.lang;
    const filter = periodOf(services, req);
    const [orders, options, ipr, queues, hours] = await Promise.all([
      reports.orders(filter, lang),
      reports.orderFilterOptions(lang),
      reports.iprFulfilment(lang),
      reports.queueStats(sources),
      reports.hoursByMonth(sources, filter.from, filter.to),
    ]);

    const monthlyChart = barChart({
      id: 'chart-orders-monthly',
      title: t('admin:reports.orders.chartMonthly'),
      desc: t('admin:reports.orders.chartMonthlyDesc', {
        from: filter.from,
        to: filter.to,
        total: orders.total,
      }),
      series: [{ key: 'orders', label: t('admin:reports.orders.count'), pattern: 'solid' }],
      groups: orders.monthly.map((m) => ({
        label: m.month,
        values: [{ series: 'orders', value: m.count, text: String(m.count) }],
      })),
    });
    const helpTypeChart = barChart({
      id: 'chart-orders-help-type',
      title: t('admin:reports.orders.chartHelpType'),
      desc: t('admin:reports.orders.chartHelpTypeDesc'),
      series: [
        { key: 'open', label: t('admin:reports.orders.open'), pattern: 'solid' },
        { key: 'closed', label: t('admin:reports.orders.closed'), pattern: 'hatch' },
      ],
      groups: orders.byHelpType.map((h) => ({
        label: h.help_type_name,
        values: [
          { series: 'open', value: h.open, text: String(h.open) },
          { series: 'closed', value: h.closed, text: String(h.closed) },
        ],
      })),
    });
    const iprChart = barChart({
      id: 'chart-ipr',
      title: t('admin:reports.ipr.chart'),
      desc: t('admin:reports.ipr.chartDesc'),
      series: [{ key: 'used', label: t('admin:reports.ipr.percent'), pattern: 'hatch' }],
      max: 100,
      groups: ipr.map((r) => ({
        label: r.help_type_name,
        values: [{ series: 'used', value: r.percent, text: `${r.percent} %` }],
      })),
    });
    const queueChart = queues.length
      ? barChart({
          id: 'chart-queues',
          title: t('admin:reports.queues.chart'),
          desc: t('admin:reports.queues.chartDesc'),
          series: [
            { key: 'length', label: t('admin:reports.queues.length'), pattern: 'solid' },
            { key: 'wait', label: t('admin:reports.queues.wait'), pattern: 'dots' },
          ],
          groups: queues.map((q) => ({
            label: `${q.institution}: ${q.department}`,
            values: [
              { series: 'length', value: q.queueLength, text: String(q.queueLength) },
              {
                series: 'wait',
                value: q.avgWaitDays ?? 0,
                text: q.avgWaitDays === null ? t('admin:reports.noValue') : String(q.avgWaitDays),
              },
            ],
          })),
        })
      : null;
    const hoursByMonth = new Map<string, Record<string, number>>();
    for (const h of hours) {
      const m = hoursByMonth.get(h.month) ?? {};
      m[h.helpType] = (m[h.helpType] ?? 0) + h.hours;
      hoursByMonth.set(h.month, m);
    }
    const hoursChart = hours.length
      ? barChart({
          id: 'chart-hours',
          title: t('admin:reports.hours.chart'),
          desc: t('admin:reports.hours.chartDesc'),
          series: [
            { key: 'UZHYA', label: t('admin:reports.hours.UZHYA'), pattern: 'solid' },
            { key: 'UIP', label: t('admin:reports.hours.UIP'), pattern: 'cross' },
          ],
          groups: [...hoursByMonth.entries()].map(([month, v]) => ({
            label: month,
            values: ['UZHYA', 'UIP'].map((k) => ({
              series: k,
              value: v[k] ?? 0,
              text: t('admin:units.hours', { count: v[k] ?? 0 }),
            })),
          })),
        })
      : null;

    const query = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)])).toString();
    res.render('pages/admin/reports.njk', {
      filter,
      query,
      options,
      orders: {
        ...orders,
        rows: orders.rows.map((r) => ({ ...r, helpTypeName: r.help_type_name })),
        byHelpType: orders.byHelpType.map((h) => ({ ...h, helpTypeName: h.help_type_name })),
      },
      ipr: ipr.map((r) => ({
        ...r,
        helpTypeName: r.help_type_name,
        volumeText: amount(r.volume, r.unit, t, lang),
        usedText: amount(r.used, r.unit, t, lang),
      })),
      queues,
      hours,
      charts: {
        monthly: monthlyChart,
        helpType: helpTypeChart,
        ipr: iprChart,
        queues: queueChart,
        hours: hoursChart,
      },
    });
  });

  /** A CSV download: what `load` finds, in the columns (data tables) of `columns`. */
  function csvExport<R>(
    path: string,
    load: (req: Request) => Promise<{ fileName: string; rows: readonly R[] }>,
    columns: (t: TFunction) => readonly CsvColumn<R>[],
  ) {
    router.get(path, async (req, res) => {
      const { fileName, rows } = await load(req);
      sendCsvTable(res, fileName, req.t, columns(req.t), rows);
    });
  }

  csvExport(
    '/reports/orders.csv',
    async (req) => {
      const filter = periodOf(services, req);
      const { rows } = await reports.orders(filter, req.lang);
      return { fileName: `orders-${filter.from}-${filter.to}.csv`, rows };
    },
    (t) => [
      ['admin:reports.orders.month', (r) => r.month],
      ['admin:reports.helpType', (r) => r.help_type_name],
      ['admin:reports.orders.region', (r) => r.region],
      ['admin:reports.orders.status', (r) => t(r.statusKey, { defaultValue: r.status })],
      ['admin:reports.orders.statusCode', (r) => r.status],
      ['admin:reports.orders.count', (r) => r.count],
    ],
  );

  csvExport(
    '/reports/ipr.csv',
    async (req) => ({ fileName: 'ipr-fulfilment.csv', rows: await reports.iprFulfilment(req.lang) }),
    (t) => [
      ['admin:reports.helpType', (r) => r.help_type_name],
      ['admin:reports.ipr.unit', (r) => t(`admin:unitNames.${r.unit}`)],
      ['admin:reports.ipr.measures', (r) => r.measures],
      ['admin:reports.ipr.people', (r) => r.people],
      ['admin:reports.ipr.volume', (r) => r.volume],
      ['admin:reports.ipr.used', (r) => r.used],
      ['admin:reports.ipr.percent', (r) => r.percent],
    ],
  );

  csvExport(
    '/reports/queues.csv',
    async () => ({ fileName: 'msu-queues.csv', rows: await reports.queueStats(sources) }),
    () => [
      ['admin:reports.queues.institution', (r) => r.institution],
      ['admin:reports.queues.department', (r) => r.department],
      ['admin:reports.queues.length', (r) => r.queueLength],
      ['admin:reports.queues.wait', (r) => r.avgWaitDays],
    ],
  );

  csvExport(
    '/reports/hours.csv',
    async (req) => {
      const filter = periodOf(services, req);
      const rows = await reports.hoursByMonth(sources, filter.from, filter.to);
      return { fileName: `specialist-hours-${filter.from}-${filter.to}.csv`, rows };
    },
    (t) => [
      ['admin:reports.orders.month', (r) => r.month],
      ['admin:reports.helpType', (r) => t(`admin:reports.hours.${r.helpType}`, { defaultValue: r.helpType })],
      ['admin:reports.hours.specialist', (r) => r.specialist],
      ['admin:reports.hours.hours', (r) => r.hours],
    ],
  );

  return router;
}
