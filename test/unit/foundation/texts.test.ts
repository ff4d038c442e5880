/**
 * Texts a person reads with a number or a month in them (issue 13, item 9): the plural form the
 * language asks for, months in words, and the start page's notes about the demo people.
 */
import { describe, expect, it } from 'vitest';
import { formatPeriod, loadResources, LOCALES, tFor } from '../../../src/lib/i18n.js';
import { PEOPLE, measuresNote, personByKey, type DemoHelpType } from '../../../src/devstand/people.js';

const ru = tFor('ru');
const kk = tFor('kk');
const en = tFor('en');

describe('count + noun texts take the plural form of the language', () => {
  it('the queue’s offer window: «1 календарного дня», «2 календарных дней», «21 календарного дня»', () => {
    const how = (t: typeof ru, n: number) => t('msu:queue.how2', { count: n });
    expect(how(ru, 1)).toContain('в течение 1 календарного дня.');
    expect(how(ru, 2)).toContain('в течение 2 календарных дней.');
    expect(how(ru, 5)).toContain('в течение 5 календарных дней.');
    expect(how(ru, 21)).toContain('в течение 21 календарного дня.');
    expect(how(ru, 1)).not.toContain('суток');
    expect(how(en, 1)).toContain('within 1 calendar day.');
    expect(how(en, 3)).toContain('within 3 calendar days.');
    expect(how(kk, 1)).toContain('1 күнтізбелік тәулік ішінде');
    expect(how(kk, 7)).toContain('7 күнтізбелік тәулік ішінде');
  });

  it('a measure in days, the hours a day, codes an hour, screenshots', () => {
    expect([1, 3, 5, 21, 365].map((n) => ru('entitlements:unit.days', { count: n }))).toEqual([
      '1 день',
      '3 дня',
      '5 дней',
      '21 день',
      '365 дней',
    ]);
    expect([1, 2].map((n) => en('entitlements:unit.days', { count: n }))).toEqual(['1 day', '2 days']);
    expect(kk('entitlements:unit.days', { count: 21 })).toBe('21 күн');

    expect(ru('services:hint.hours', { count: 8 })).toContain('не более 8 часов');
    expect(ru('services:hint.hours', { count: 1 })).toContain('не более 1 часа');
    expect(en('services:hint.hours', { count: 1 })).toContain('No more than 1 hour a day');
    expect(en('services:hint.hours', { count: 8 })).toContain('No more than 8 hours a day');

    expect(ru('services:errors.tooManyCodes', { count: 3 })).toContain('не более 3 раз в час');
    expect(ru('services:errors.tooManyCodes', { count: 1 })).toContain('не более 1 раза в час');
    expect(en('services:errors.tooManyCodes', { count: 1 })).toContain('at most 1 time an hour');
    expect(en('services:errors.tooManyCodes', { count: 5 })).toContain('at most 5 times an hour');

    expect(ru('support:form.screenshotsHint', { count: 5 })).toContain('не больше 5 файлов');
    expect(ru('support:form.screenshotsHint', { count: 1 })).toContain('не больше 1 файла');
    expect(en('support:form.screenshotsHint', { count: 1 })).toContain('at most 1 file.');
    expect(ru('support:errors.tooManyScreenshots', { count: 1 })).toBe(
      'Можно приложить не больше 1 снимка экрана.',
    );
    expect(en('support:errors.tooManyScreenshots', { count: 5 })).toBe(
      'You can attach at most 5 screenshots.',
    );
  });

  it('no text hedges a plural with «(s)» or puts a bare count before a noun that would need a form', () => {
    const resources = loadResources();
    for (const lng of LOCALES) {
      const walk = (o: unknown, at: string): void => {
        if (typeof o === 'string') {
          expect(o, `${lng}:${at}`).not.toMatch(/\w\(s\)/);
          expect(o, `${lng}:${at}`).not.toMatch(
            /\{\{(days|max)\}\} (календарных|файлов|снимков|раз|часов|files|times|hours|screenshots|calendar)/,
          );
        } else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
      };
      walk(resources[lng], '');
    }
  });
});

describe('a month is written in words, in every language', () => {
  it('formats an act’s period: «декабрь 2026», «2026 жылғы желтоқсан», «December 2026»', () => {
    expect(formatPeriod('2026-12', 'ru')).toBe('декабрь 2026');
    expect(formatPeriod('2027-01', 'ru')).toBe('январь 2027');
    expect(formatPeriod('2026-12', 'kk')).toBe('2026 жылғы желтоқсан');
    expect(formatPeriod('2026-05', 'en')).toBe('May 2026');
    expect(formatPeriod('not a month', 'ru')).toBe('not a month');
  });

  it('inside a text, through the «period» formatter', () => {
    expect(ru('services:flash.actSent', { period: '2026-12' })).toBe(
      'Акт за декабрь 2026 отправлен в Е-Собес.',
    );
    expect(en('services:acts.orderTitle', { number: 'S-1', period: '2026-11' })).toContain('November 2026');
    expect(kk('services:acts.orderTitle', { number: 'S-1', period: '2026-11' })).toContain(
      '2026 жылғы қараша',
    );
    expect(ru('services:sms.actToSign', { number: 'S-1', period: '2026-12' })).toContain('за декабрь 2026');
  });
});

describe('the start page’s notes about the demo recipients agree with their IPRs', () => {
  const recipients = PEOPLE.filter((p) => p.roles.includes('recipient'));

  it('every recipient has an IPR, its measures named in the note', () => {
    // 20 recipients, a guardian who is one herself (g02), 2 elderly, 2 of sanatorium treatment (issue 17),
    // 3 of the contracts (ssu-r1..3); and np01–np03, who have no phone (outreach)
    expect(recipients.filter((p) => !p.key.startsWith('np'))).toHaveLength(28);
    expect(recipients.filter((p) => p.key.startsWith('np'))).toHaveLength(3);
    for (const p of recipients) {
      expect(p.measures.length, p.key).toBeGreaterThan(0);
      expect(p.note, p.key).toContain(measuresNote(p.measures, p.category));
    }
    for (const p of PEOPLE.filter((x) => !x.roles.includes('recipient'))) expect(p.measures).toEqual([]);
  });

  it('the IPRs differ, so each journey has a natural person', () => {
    const sets = new Set(recipients.map((p) => [...p.measures].sort().join(',')));
    expect(sets.size).toBeGreaterThanOrEqual(12);
    const holders = (m: DemoHelpType) => recipients.filter((p) => p.measures.includes(m)).length;
    for (const m of ['SANATORIUM', 'TSR_ORTHO_SHOES', 'PAYMENT_SPECIAL'] as const)
      // sanatorium treatment (issue 17) has two recipients of its own: with and without a companion
      expect(holders(m), m).toBeLessThan(m === 'SANATORIUM' ? 5 : 4);
    expect(measuresNote(['UZHYA', 'TSR_HEARING_AID'])).toBe('ИПР: УЖЯ, ТСР (слуховой аппарат)');
  });

  it('the people of the README’s journeys hold what they order there', () => {
    const has = (key: string, ...ms: DemoHelpType[]) =>
      expect(personByKey(key).measures).toEqual(expect.arrayContaining(ms));
    has('r01', 'MSU', 'UZHYA', 'UIP', 'SANATORIUM', 'TSR_PROSTHESIS', 'PAYMENT_TRANSPORT'); // all kinds of help
    has('r02', 'UZHYA');
    has('r04', 'UIP');
    has('r09', 'TSR_HEARING_AID', 'TSR_WHITE_CANE'); // hearing aid; the cane of the pickup journey
    has('r13', 'TSR_WHITE_CANE', 'TSR_DIAPERS'); // the supplier-choice window
    has('r15', 'TSR_WHEELCHAIR', 'UZHYA');
    has('r20', 'MSU', 'UZHYA');
    expect(personByKey('r19').measures).toEqual(['SANATORIUM']);
    expect(personByKey('r18').measures).toEqual(['TSR_ORTHO_SHOES']);
    expect(personByKey('r11').measures).toEqual(['UIP']);
  });
});
