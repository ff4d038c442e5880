import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResources, LOCALES } from '../../../src/lib/i18n.js';
import { EDS_ERROR_CODES } from '../../../src/eds/index.js';

function keys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) =>
    keys(v, prefix ? `${prefix}.${k}` : k),
  );
}

const resources = loadResources();

describe('locales', () => {
  it('have the same namespaces in ru, kk and en', () => {
    const ns = (lng: string) => Object.keys(resources[lng] ?? {}).sort();
    expect(ns('kk')).toEqual(ns('ru'));
    expect(ns('en')).toEqual(ns('ru'));
  });

  for (const ns of Object.keys(resources.ru ?? {})) {
    it(`have the same keys in every language: ${ns}`, () => {
      const ru = keys(resources.ru![ns]).sort();
      for (const lng of LOCALES) {
        const other = keys(resources[lng]![ns]).sort();
        const missing = ru.filter((k) => !other.includes(k));
        const extra = other.filter((k) => !ru.includes(k));
        expect({ lng, missing, extra }).toEqual({ lng, missing: [], extra: [] });
      }
    });
  }

  it('have no empty strings', () => {
    for (const lng of LOCALES) {
      for (const [ns, tree] of Object.entries(resources[lng]!)) {
        const walk = (o: unknown, at: string): void => {
          if (typeof o === 'string') expect(o.trim(), `${lng}:${ns}:${at}`).not.toBe('');
          else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
        };
        walk(tree, '');
      }
    }
  });

  it('translate every EDS refusal in every language', () => {
    for (const lng of LOCALES) {
      const errors = resources[lng]!.errors as Record<string, unknown>;
      for (const code of EDS_ERROR_CODES) expect(typeof errors[code], `${lng}: ${code}`).toBe('string');
    }
  });

  it('translate every error code the code base throws', () => {
    const src = path.resolve(import.meta.dirname, '../../../src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const codes = new Set<string>();
    for (const f of files) {
      const text = fs.readFileSync(path.join(src, f), 'utf8');
      for (const m of text.matchAll(/new (?:AppError|ConflictError)\('([^']+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(5);
    for (const lng of LOCALES) {
      for (const code of codes) {
        const [ns, key] = code.includes(':') ? (code.split(':') as [string, string]) : ['errors', code];
        const at = (k: string) =>
          k
            .split('.')
            .reduce<unknown>(
              (o, part) => (o as Record<string, unknown> | undefined)?.[part],
              resources[lng]![ns],
            );
        // a text with a count is its plural forms (key_one … key_other)
        const value = at(key) ?? at(`${key}_other`);
        expect(typeof value, `${lng}: ${code}`).toBe('string');
      }
    }
  });
});
