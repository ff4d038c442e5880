/**
 * Elderly recipients in the browser (issue 16, item 7): an elderly person logs in with the AUTH key
 * and reads «Помощь для вас» as the special social services recommended to them, with their
 * statuses, and the temporary registration address in the cabinet, in Russian and Kazakh; the
 * guardian of an elderly person chooses the ward among the registry's guardianships. Every page is
 * checked with axe (zero violations).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localeTexts, useBrowserStand, type PortalPage } from '../support/browser.js';

const stand = useBrowserStand();

const SSU_NAMES: Record<'ru' | 'kk', string[]> = {
  ru: [
    'Специальные социальные услуги в условиях стационара (МСУ)',
    'Специальные социальные услуги в условиях ухода на дому',
  ],
  kk: [
    'Стационар жағдайында арнаулы әлеуметтік қызметтер (МӘМ)',
    'Үйде күтім жағдайында арнаулы әлеуметтік қызметтер',
  ],
};

describe('an elderly person in the browser', () => {
  let p: PortalPage;
  beforeAll(async () => {
    p = await stand.open();
    await p.loginAs('r21');
  });
  afterAll(async () => {
    await p?.close();
  });

  for (const lang of ['ru', 'kk'] as const) {
    it(`reads the recommended special social services with their statuses (${lang})`, async () => {
      const t = localeTexts(lang, 'entitlements');
      await p.goto(`/help?lang=${lang}`);
      expect(await p.page.getAttribute('html', 'lang')).toBe(lang);
      const main = p.page.locator('main');
      await expect.poll(() => main.locator('.govuk-body-l').innerText()).toBe(t('help.elderly.lead'));
      expect(await main.locator('h2').allInnerTexts()).toEqual([t('help.elderly.section')]);
      for (const name of SSU_NAMES[lang]) {
        const card = main.locator('.govuk-summary-card', { has: p.page.locator('h3', { hasText: name }) });
        await expect.poll(() => card.count()).toBe(1);
      }
      const home = main.locator('[data-help-type="SSU_HOME"]');
      expect(await home.locator('.portal-status').innerText()).toBe(t('help.elderly.recommended'));
      const msu = main.locator('[data-help-type="MSU"]');
      expect(await msu.locator('.portal-status').innerText()).toBe(t('measureStatus.choiceOpen'));
      expect(await msu.getByRole('link', { name: new RegExp(t('help.chooseSupplier')) }).count()).toBe(1);
      // an elderly person has no ИПР: the page never speaks of one
      expect(await main.innerText()).not.toMatch(lang === 'ru' ? /ИПР/ : /ЖОБ/);
    });

    it(`sees the temporary registration address beside the permanent one (${lang})`, async () => {
      const t = localeTexts(lang, 'entitlements');
      await p.goto(`/cabinet?lang=${lang}`);
      const row = p.page.locator('.govuk-summary-list__row', {
        has: p.page.locator('dt', { hasText: t('cabinet.temporaryAddress') }),
      });
      await expect.poll(() => row.locator('dd').innerText()).toContain('Бөгенбай батыра');
    });
  }
});

describe('the guardian of an elderly person', () => {
  it('chooses the ward the guardianship registry names, with the decision it rests on', async () => {
    const p = await stand.open();
    try {
      await p.goto('/login');
      await p.sign(/ЭЦП|EDS|ЭЦҚ/, 'g05', 'AUTH');
      if (p.page.url().endsWith('/welcome')) await p.clickButton(/Далее/);
      expect(new URL(p.page.url()).pathname).toBe('/act-for');
      const t = localeTexts('ru', 'auth');
      const ward = p.page.getByLabel(t('actFor.ward').replace('{{name}}', 'ГРОМОВ ВИКТОР ПАВЛОВИЧ'));
      await expect.poll(() => ward.count()).toBe(1);
      await expect
        .poll(() => p.page.locator('.govuk-radios__hint').innerText())
        .toMatch(/^Попечительство: решение № ОП-/);
      await ward.check();
      await p.clickButton(/Продолжить/);
      await p.goto('/help');
      expect(await p.page.locator('main .govuk-caption-l').innerText()).toContain('ГРОМОВ ВИКТОР ПАВЛОВИЧ');
      expect(await p.page.locator('main h2').allInnerTexts()).toEqual([
        localeTexts('ru', 'entitlements')('help.elderly.section'),
      ]);
    } finally {
      await p.close();
    }
  });
});
