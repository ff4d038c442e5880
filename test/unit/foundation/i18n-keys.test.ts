import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { I18nKeyError, LOCALES, loadResources, tFor } from '../../../src/lib/i18n.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const resources = loadResources();
const NAMESPACES = Object.keys(resources.ru ?? {});

function filesUnder(dir: string, ext: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
}

/** What the key names in one language: a text, a group of texts, or nothing. */
function lookup(lng: string, key: string): 'text' | 'group' | 'none' {
  const [ns, rest] = key.includes(':') ? (key.split(':') as [string, string]) : ['common', key];
  let v: unknown = resources[lng]?.[ns];
  for (const k of rest.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  if (typeof v === 'string') return 'text';
  // a plural family (key_one, key_few, …)
  let parent: unknown = resources[lng]?.[ns];
  const parts = rest.split('.');
  for (const k of parts.slice(0, -1))
    parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[k] : undefined;
  const last = parts[parts.length - 1]!;
  if (parent && typeof parent === 'object' && Object.keys(parent).some((k) => k.startsWith(`${last}_`)))
    return 'text';
  return v && typeof v === 'object' ? 'group' : 'none';
}

describe('i18n keys', () => {
  it('a missing key or a key that names a group of texts throws under the tests (never shown raw)', () => {
    const t = tFor('ru') as unknown as (key: string, opts?: object) => string;
    expect(() => t('goods:no.such.key')).toThrow(I18nKeyError);
    expect(() => t('goods:sign.create')).toThrow(/group of texts/);
    expect(t('goods:no.such.key', { defaultValue: 'x' })).toBe('x');
    expect(t('common:cancel')).toBe('Отмена');
  });

  it('every key the views and the code name literally is a text in ru, kk and en', () => {
    const problems: string[] = [];
    const nsAlt = NAMESPACES.join('|');
    const inViews = /\bt\(\s*['"]([A-Za-z][\w]*(?:[:.][\w]+)+)['"]/g;
    const anyLiteral = new RegExp(`['"\`]((?:${nsAlt}):[A-Za-z_][\\w]*(?:\\.[\\w]+)*)['"\`]`, 'g');
    const files = [...filesUnder('views', '.njk'), ...filesUnder('src', '.ts')];
    let count = 0;
    for (const f of files) {
      // comments name keys as examples
      const text = fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .replace(f.endsWith('.njk') ? /\{#[\s\S]*?#\}/g : /\/\*[\s\S]*?\*\//g, '');
      const keys = new Set<string>();
      for (const m of text.matchAll(inViews)) keys.add(m[1]!);
      for (const m of text.matchAll(anyLiteral)) keys.add(m[1]!);
      for (const key of keys) {
        count += 1;
        for (const lng of LOCALES) {
          const found = lookup(lng, key);
          if (found !== 'text')
            problems.push(`${f}: ${key} (${lng}) is ${found === 'group' ? 'a group of texts' : 'missing'}`);
        }
      }
    }
    expect(count).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it("every key the views and the code build from a prefix (t('ns:group.' + code)) starts with a group of texts", () => {
    const problems: string[] = [];
    const prefixed = /\bt\(\s*['"]([A-Za-z]\w*:[\w.]*\w)\.['"]\s*\+/g;
    let count = 0;
    for (const f of [...filesUnder('views', '.njk'), ...filesUnder('src', '.ts')]) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(prefixed)) {
        count += 1;
        for (const lng of LOCALES)
          if (lookup(lng, m[1]!) !== 'group')
            problems.push(`${f}: ${m[1]}. (${lng}) is not a group of texts`);
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
