import { describe, expect, it } from 'vitest';
import { DateTime, IANAZone } from 'luxon';
import { initI18n, tFor } from '../../../src/lib/i18n.js';
import { ASTANA_ZONE } from '../../../src/lib/clock.js';
import { formatTiyn } from '../../../src/lib/money.js';

describe('the memoised translation function', () => {
  const plain = initI18n().getFixedT('ru');
  const t = tFor('ru');

  it('gives what i18next gives, for plain keys, interpolation and plurals, however often it is asked', () => {
    for (let round = 0; round < 3; round++) {
      expect(t('common:actingFor', { name: 'АХМЕТОВА А.' })).toBe(
        plain('common:actingFor', { name: 'АХМЕТОВА А.' }),
      );
      expect(t('common:actingFor', { name: 'ИВАНОВ И.' })).toContain('ИВАНОВ И.');
      for (const count of [1, 2, 5, 21]) {
        expect(t('admin:units.hours', { count })).toBe(plain('admin:units.hours', { count }));
      }
      expect(t('admin:units.hours', { count: 1 })).not.toBe(t('admin:units.hours', { count: 5 }));
    }
  });

  it('keeps each language apart', () => {
    expect(tFor('en')('common:actingFor', { name: 'X' })).not.toBe(t('common:actingFor', { name: 'X' }));
    expect(tFor('kk')('common:actingFor', { name: 'X' })).toBe(
      initI18n().getFixedT('kk')('common:actingFor', { name: 'X' }),
    );
  });
});

describe('the Astana zone with remembered offsets', () => {
  const iana = IANAZone.create('Asia/Almaty');

  it('gives the IANA offset at every quarter hour around the 2024 change to UTC+5 and across the history', () => {
    const instants: number[] = [];
    // the change: 2024-03-01 00:00 local (+6) became +5
    const change = DateTime.fromISO('2024-02-29T12:00:00Z').toMillis();
    for (let i = 0; i < 24 * 4; i++) instants.push(change + i * 900_000 + 7_000);
    // a century of samples, including the 1924 local-mean-time change and the 1930s–2000s transitions
    for (let y = 1920; y <= 2030; y++)
      for (const m of [0, 2, 3, 8, 9]) instants.push(Date.UTC(y, m, 27, 20, 59, 59));
    for (const ts of instants) expect(ASTANA_ZONE.offset(ts)).toBe(iana.offset(ts));
    expect(ASTANA_ZONE.offset(Date.UTC(2024, 1, 29, 17, 59, 59))).toBe(360);
    expect(ASTANA_ZONE.offset(Date.UTC(2024, 1, 29, 18, 0, 0))).toBe(300);
  });

  it('formats business dates as before', () => {
    const d = new Date('2026-11-25T20:30:00Z');
    expect(DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toISODate()).toBe('2026-11-26');
  });
});

describe('money formatting', () => {
  it('groups tenge per language', () => {
    expect(formatTiyn(1234567, 'ru')).toBe(`12${'\u00a0'}345,67 ₸`);
    expect(formatTiyn(1234567, 'en')).toBe('12,345.67 ₸');
    expect(formatTiyn(-5, 'kk')).toBe('-0,05 ₸');
  });
});
