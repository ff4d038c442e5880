import { describe, expect, it } from 'vitest';
import { useBrowserStand } from '../support/browser.js';

const stand = useBrowserStand();

const LOCALES = [
  {
    lang: 'ru',
    home: 'Портал социальных услуг',
    login: 'Вход с помощью ЭЦП',
    notFound: 'Страница не найдена',
    lowVision: 'Версия для слабовидящих',
  },
  {
    lang: 'kk',
    home: 'Әлеуметтік қызметтер порталы',
    login: 'ЭЦҚ арқылы кіру',
    notFound: 'Бет табылмады',
    lowVision: 'Нашар көретіндерге арналған нұсқа',
  },
  {
    lang: 'en',
    home: 'Social Services Portal',
    login: 'Sign in with your EDS',
    notFound: 'Page not found',
    lowVision: 'Low-vision version',
  },
];

describe('public pages in every language, zero axe violations', () => {
  for (const l of LOCALES) {
    it(`start, login and error pages in ${l.lang}`, async () => {
      const p = await stand.open({ lang: l.lang });
      try {
        await p.goto(`/?lang=${l.lang}`);
        expect(await p.page.locator('h1').innerText()).toContain(l.home);
        expect(await p.page.getAttribute('html', 'lang')).toBe(l.lang);
        await p.goto('/login');
        expect(await p.page.title()).toContain(l.login);
        await p.goto('/no-such-page');
        expect(await p.page.locator('h1').innerText()).toBe(l.notFound);
        // the low-vision switch really changes the styles
        const before = await p.page.evaluate(
          () => getComputedStyle(document.querySelector('main p')!).fontSize,
        );
        await p.clickLink(l.lowVision);
        const after = await p.page.evaluate(
          () => getComputedStyle(document.querySelector('main p')!).fontSize,
        );
        expect(parseFloat(after)).toBeGreaterThan(parseFloat(before));
        // the skip link is the first thing the keyboard reaches and leads to the main content
        await p.page.keyboard.press('Tab');
        const focused = await p.page.evaluate(() => document.activeElement?.getAttribute('href'));
        expect(focused).toBe('#main-content');
        await p.goto('/accessibility');
        expect(await p.page.evaluate(() => document.body.classList.contains('low-vision'))).toBe(true);
      } finally {
        await p.close();
      }
    });
  }
});

describe('EDS in the browser', () => {
  it('logs in through the .p12 dialog, signs a document and opens its evidence', async () => {
    const p = await stand.open();
    try {
      await p.loginAs('r01');
      expect(p.page.url()).toContain('/cabinet');
      await p.goto('/eds/check');
      await p.sign('Подписать', 'r01', 'SIGN');
      expect(p.page.url()).toMatch(/\/documents\/\d+$/);
      const text = await p.text();
      expect(text).toContain('Подпись проверена');
      expect(text).toContain('ТЕСТОВ ТЕСТ');
      const docId = Number(p.page.url().split('/').pop());
      const stored = await stand.ctx.db('signed_documents').where({ id: docId }).first();
      expect(stored.purpose).toBe('eds-check');
      expect(stored.signed_xml).toContain('<ds:SignatureValue>');
    } finally {
      await p.close();
    }
  });

  it('says clearly when the wrong key type or a wrong password is chosen', async () => {
    const p = await stand.open();
    try {
      await p.goto('/login');
      await p.page.getByRole('button', { name: 'Выберите ЭЦП' }).click();
      // a signing key on the login page: its data, and why it cannot log in, before anything is sent
      await p.openKeyInDialog('r02', 'SIGN');
      expect(await p.page.locator('#eds-key-problems').innerText()).toMatch(/AUTH/);
      await p.page.getByRole('button', { name: 'Выбрать другой ключ' }).click();
      await p.openKeyInDialog('r02', 'AUTH', { password: 'wrong', expectKeyData: false });
      const alert = p.page.locator('#eds-dialog-error');
      await expect.poll(() => alert.innerText()).toMatch(/[Нн]еверный пароль/);
      expect(p.page.url()).toContain('/login');
    } finally {
      await p.close();
    }
  });
});
