import { decodeEntities } from '../../support/http.js';
import type { RouteEntry } from './route-list.js';

/**
 * What the input fuzz sends: each value in place of one field at a time, the other fields keeping
 * what the page's own form holds. An array stands for a repeated field (`a=1&a=2`) where one value is
 * expected.
 */
export type FieldKind = 'text' | 'date' | 'number' | 'choice' | 'unknown';
export interface Hostile {
  name: string;
  value: string | string[];
  /** the kinds of field it is sent to (every value goes to a field whose kind the page does not show) */
  kinds: FieldKind[];
}
const ALL: FieldKind[] = ['text', 'date', 'number', 'choice', 'unknown'];
export const HOSTILE: Hostile[] = [
  { name: 'NUL', value: 'a\u0000b', kinds: ALL },
  { name: 'control characters', value: 'a\u0001\u0008\u001b\u007fb', kinds: ALL },
  { name: '10,000 characters', value: 'я'.repeat(10_000), kinds: ALL },
  { name: 'year 0', value: '0000-01-01', kinds: ['date', 'unknown'] },
  { name: 'year 9999', value: '9999-12-31', kinds: ['date', 'unknown'] },
  { name: '30 February', value: '2026-02-30', kinds: ['date', 'unknown'] },
  { name: 'negative number', value: '-1', kinds: ['number', 'choice', 'unknown'] },
  // beyond a 32-bit integer, within the 12 digits an id may have
  { name: 'huge number', value: '99999999999', kinds: ['number', 'choice', 'unknown'] },
  { name: 'array', value: ['1', '2'], kinds: ALL },
];

/** What kind of value a field holds, judged from its input type and the value the page gave it. */
export function kindOf(type: string, value: string): FieldKind {
  if (['date', 'datetime-local', 'month'].includes(type)) return 'date';
  if (type === 'number') return 'number';
  if (['select', 'radio', 'checkbox', 'hidden'].includes(type)) return 'choice';
  if (/^\d{4}-\d{2}(-\d{2})?(T\d{2}:\d{2})?$|^\d{2}\.\d{2}\.\d{4}/.test(value)) return 'date';
  if (/^-?\d+([.,]\d+)?$/.test(value)) return 'number';
  return value === '' ? 'unknown' : 'text';
}

/**
 * In a URL path (an id, a day, a code, an order number) a repeated value cannot be expressed; NUL,
 * length, impossible days and out-of-range numbers go there percent-encoded.
 */
export const HOSTILE_IN_PATH = HOSTILE.filter((h) =>
  ['NUL', '10,000 characters', 'year 0', '30 February', 'negative number', 'huge number'].includes(h.name),
);

/** A form a page renders: where it posts (or gets), its fields with the values the page put in them. */
export interface PageForm {
  method: 'GET' | 'POST';
  /** the action's path, without query */
  action: string;
  /** the action's query (signing forms carry none; some buttons post to `?next=`) */
  query: string;
  multipart: boolean;
  /** field → the value the page gives it ('' for an empty field) */
  fields: Map<string, string>;
  /** field → the kind of value it holds */
  kinds: Map<string, FieldKind>;
}

const attrs = (tag: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)(?:="([^"]*)"|='([^']*)')?/g))
    out[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? '');
  return out;
};

/** A value an empty field of this kind would plausibly hold, so that the one hostile field is what fails. */
function plausible(name: string, type: string): string {
  const n = name.toLowerCase();
  if (type === 'date' || /(^|_)(day|date)$|^(from|to)$/.test(n)) return '2026-12-01';
  if (type === 'datetime-local' || n.endsWith('_at')) return '2026-12-01T10:00';
  if (type === 'number' || /hours|total|sort|qty|volume/.test(n)) return '1';
  if (type === 'email' || n.includes('email')) return 'person@example.kz';
  if (type === 'tel' || n.includes('phone')) return '+77011234567';
  if (n === 'price' || n.includes('sum')) return '100';
  if (n.includes('period')) return '2026-12';
  return 'Проверка ввода';
}

/** Every form on a page, with its fields and their values; the signing forms get the `signedXml` the signer adds. */
export function formsOf(html: string, pageUrl: string): PageForm[] {
  const out: PageForm[] = [];
  const pagePath = pageUrl.split('?')[0]!;
  for (const f of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const a = attrs(f[1]!);
    const method = (a.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const [actionPath, query = ''] = (a.action || pageUrl).split('?');
    const fields = new Map<string, string>();
    const kinds = new Map<string, FieldKind>();
    const set = (name: string | undefined, value: string, override = false, type = 'text') => {
      if (!name) return;
      if (override || !fields.has(name) || fields.get(name) === '') fields.set(name, value);
      if (!kinds.has(name) || kinds.get(name) === 'unknown') kinds.set(name, kindOf(type, value));
    };
    const body = f[2]!;
    for (const m of body.matchAll(/<(input|button)\b([^>]*)>/g)) {
      const i = attrs(m[2]!);
      const type = (i.type ?? (m[1] === 'button' ? 'submit' : 'text')).toLowerCase();
      if (!i.name || type === 'file') continue;
      if (type === 'checkbox' || type === 'radio') {
        if ('checked' in i) set(i.name, i.value ?? 'on', true, type);
        else if (type === 'radio') set(i.name, i.value ?? 'on', false, type);
        else if (!fields.has(i.name)) {
          fields.set(i.name, '');
          kinds.set(i.name, 'choice');
        }
      } else if (type === 'submit') {
        if (i.value !== undefined) set(i.name, i.value, false, 'hidden');
      } else if (type === 'hidden') set(i.name, i.value ?? '', false, i.value ? 'hidden' : 'text');
      else set(i.name, i.value || plausible(i.name, type), false, type);
    }
    for (const m of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const s = attrs(m[1]!);
      const options = [...m[2]!.matchAll(/<option\b([^>]*)>/g)].map((o) => attrs(o[1]!));
      const chosen = options.find((o) => 'selected' in o) ?? options.find((o) => o.value) ?? options[0];
      set(s.name, chosen?.value ?? '', false, 'select');
    }
    for (const m of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const t = attrs(m[1]!);
      set(t.name, decodeEntities(m[2]!.trim()) || plausible(t.name ?? '', 'textarea'), false, 'textarea');
    }
    if ('data-eds-sign' in a) set('signedXml', '', false, 'hidden');
    out.push({
      method,
      action: actionPath || pagePath,
      query,
      multipart: (a.enctype ?? '').toLowerCase() === 'multipart/form-data',
      fields,
      kinds,
    });
  }
  return out;
}

/** The query fields of the page's links to a path (pagination, sorting, filters written as links). */
export function linkQueriesOf(html: string): { path: string; fields: [string, string][] }[] {
  const out: { path: string; fields: [string, string][] }[] = [];
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"#]*\?[^"#]*)"/g)) {
    const [p, q] = decodeEntities(m[1]!).split('?');
    if (!p?.startsWith('/')) continue;
    out.push({ path: p, fields: [...new URLSearchParams(q).entries()] });
  }
  return out;
}

/** The route a concrete path belongs to: the most literal pattern that matches it. */
export function routeOf(routes: RouteEntry[], method: string, path: string): RouteEntry | undefined {
  const matches = routes.filter((r) => r.method === method && patternOf(r.path).test(path));
  return matches.sort((a, b) => params(a.path).length - params(b.path).length)[0];
}

const patternOf = (route: string) =>
  new RegExp(
    `^${route
      .split('/')
      .map((s) =>
        s.startsWith(':') ? '[^/]+' : s.startsWith('*') ? '.+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  );

/** The parameters of a route's path (`:id`, `*path`) with their segment index. */
export function params(route: string): { name: string; index: number }[] {
  return route
    .split('/')
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => s.startsWith(':') || s.startsWith('*'))
    .map(({ s, index }) => ({ name: s.slice(1), index }));
}

/** The concrete path with one segment replaced by a (percent-encoded) value. */
export function withSegment(path: string, index: number, value: string): string {
  const parts = path.split('/');
  parts[index] = encodeURIComponent(value);
  return parts.join('/');
}

/** A urlencoded body with repeated keys for arrays (as a browser sends a checkbox group). */
export function encodeForm(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}
