/**
 * Texts in three languages: the i18next instance over locales/<lang>/<namespace>.json and each
 * language's memoised t. No HTTP here: pages, notifications and documents all translate through it.
 */
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { ROOT_DIR } from '../config.js';

export const LOCALES = ['ru', 'kk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ru';
export const LANG_COOKIE = 'lang';

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Reads locales/{ru,kk,en}/<namespace>.json. */
export function loadResources(dir = path.join(ROOT_DIR, 'locales')): Resources {
  const resources: Resources = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    const folder = path.join(dir, lng);
    for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(
        fs.readFileSync(path.join(folder, file), 'utf8'),
      );
    }
  }
  return resources;
}

let instance: i18n | null = null;

/**
 * Under the tests a key that is missing, or that names a group of texts rather than a text, throws
 * (the page answers 500 and the test fails) instead of reaching the page as raw text (a dotted key,
 * "key 'x (ru)' returned an object instead of string"). A call that passes its own defaultValue
 * accepts that the key may be absent.
 */
export const STRICT_KEYS = process.env.VITEST !== undefined || process.env.NODE_ENV === 'test';

export class I18nKeyError extends Error {}

function missingKey(
  lngs: readonly string[],
  ns: string,
  key: string,
  _fallback: string,
  _u: boolean,
  opt: { defaultValue?: unknown; lng?: string },
) {
  if (opt.defaultValue !== undefined) return;
  throw new I18nKeyError(`i18n: no text for ${ns}:${key} (${opt.lng ?? lngs.join(', ')})`);
}

function objectKey(
  key: string,
  _value: unknown,
  opt: { ns?: string | readonly string[]; lng?: string },
): string {
  if (STRICT_KEYS) {
    const ns = Array.isArray(opt.ns) ? opt.ns[0] : opt.ns;
    throw new I18nKeyError(
      `i18n: ${ns ? `${ns}:` : ''}${key} is a group of texts, not a text (${opt.lng ?? ''})`,
    );
  }
  return key;
}

export function initI18n(): i18n {
  if (instance) return instance;
  const resources = loadResources();
  const inst = i18next.createInstance();
  void inst.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    saveMissing: STRICT_KEYS,
    missingKeyHandler: STRICT_KEYS ? missingKey : false,
    returnedObjectHandler: objectKey,
  });
  // "{{period, period}}" in a text: a month 'YYYY-MM' written out in the text's language («декабрь 2026»)
  inst.services.formatter?.add('period', (value: unknown, lng: string | undefined) =>
    typeof value === 'string' ? formatPeriod(value, isLocale(lng) ? lng : DEFAULT_LOCALE) : String(value),
  );
  instance = inst;
  return inst;
}

/** A month 'YYYY-MM' in words: «декабрь 2026», «2026 жылғы желтоқсан», «December 2026»; anything else as it is. */
export function formatPeriod(period: string, lang: Locale): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m) return period;
  const t = initI18n().getFixedT(lang);
  return t('common:period', { year: m[1], month: t(`common:monthInText.${Number(m[2])}`) });
}

const fixedTs = new Map<Locale, TFunction>();

/**
 * The language's t function, memoised: a page calls t a few hundred times, and i18next resolves each
 * key anew (namespaces, fallbacks, plurals, nesting), which was most of a page's render time. The
 * resources never change while the process runs, so a string result for the same key and the same
 * primitive options is always the same string.
 */
export function tFor(lang: Locale): TFunction {
  let t = fixedTs.get(lang);
  if (!t) {
    t = memoised(initI18n().getFixedT(lang));
    fixedTs.set(lang, t);
  }
  return t;
}

const MEMO_LIMIT = 20_000;

function memoised(t: TFunction): TFunction {
  const cache = new Map<string, string>();
  const translate = t as unknown as (...a: unknown[]) => unknown;
  // no closure, rest array or Object.values array per call: a page calls this a few hundred times
  function wrapped(key: unknown, options?: unknown): unknown {
    if (arguments.length > 2 || typeof key !== 'string' || !primitiveOptions(options)) {
      // eslint-disable-next-line prefer-rest-params
      return translate(...(arguments as unknown as unknown[]));
    }
    const k = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    const hit = cache.get(k);
    if (hit !== undefined) return hit;
    const value = translate(key, options);
    if (typeof value === 'string') {
      if (cache.size >= MEMO_LIMIT) cache.clear();
      cache.set(k, value);
    }
    return value;
  }
  return wrapped as unknown as TFunction;
}

function primitiveOptions(options: unknown): boolean {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  for (const k in options) {
    if (!Object.prototype.hasOwnProperty.call(options, k)) continue;
    const v = (options as Record<string, unknown>)[k];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}
