import path from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { ROOT_DIR } from '../config.js';
import { astanaDateTime } from '../lib/clock.js';
import { formatTiyn } from '../lib/money.js';
import { maskIin } from '../lib/iin.js';
import { DEFAULT_LOCALE, formatPeriod, isLocale } from '../lib/i18n.js';
import { speedUpNunjucks } from './nunjucks-speed.js';

function toDate(v: unknown): Date | null {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

export function setUpNunjucks(app: Express, opts: { development: boolean }): nunjucks.Environment {
  const env = nunjucks.configure(
    [path.join(ROOT_DIR, 'views'), path.join(ROOT_DIR, 'node_modules', 'govuk-frontend', 'dist')],
    { autoescape: true, express: app, noCache: opts.development, throwOnUndefined: false },
  );
  speedUpNunjucks(env);
  app.set('view engine', 'njk');
  app.set('views', path.join(ROOT_DIR, 'views'));

  /** dd.MM.yyyy in Astana; a 'YYYY-MM-DD' string is a calendar date and is shown as it is */
  env.addFilter('date', (v: unknown) => {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v.split('-').reverse().join('.');
    const d = toDate(v);
    return d ? astanaDateTime(d).toFormat('dd.MM.yyyy') : '';
  });
  env.addFilter('datetime', (v: unknown) => {
    const d = toDate(v);
    return d ? astanaDateTime(d).toFormat('dd.MM.yyyy HH:mm') : '';
  });
  env.addFilter('isoDate', (v: unknown) => {
    const d = toDate(v);
    return d ? astanaDateTime(d).toISODate() : '';
  });
  env.addFilter('money', (v: unknown, lang?: string) => formatTiyn(typeof v === 'number' ? v : null, lang));
  env.addFilter('maskIin', (v: unknown) => (typeof v === 'string' ? maskIin(v) : ''));
  env.addFilter('json', (v: unknown) => JSON.stringify(v));
  /** a month 'YYYY-MM' in words in the page's language: «декабрь 2026» */
  env.addFilter('period', (v: unknown, lang?: string) =>
    typeof v === 'string' ? formatPeriod(v, isLocale(lang) ? lang : DEFAULT_LOCALE) : '',
  );
  env.addGlobal('currentYear', () => new Date().getFullYear());
  return env;
}
