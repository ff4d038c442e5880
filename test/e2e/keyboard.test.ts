/**
 * The recipient's three ordering flows by keyboard alone and at 200 % zoom (a 640 CSS px viewport):
 * Tab / Shift+Tab to move, Enter and Space to act, arrow keys in radio groups and selects, typing in
 * fields; the key file is chosen in the file chooser that Space opens. At every focus stop the focused
 * element must be visible and look different from its unfocused self; in the signing dialog the focus
 * must stay inside; every page must pass axe, reflow without horizontal scrolling and have targets of
 * at least 24×24 px.
 */
import { describe, expect, it } from 'vitest';
import { exact, localeTexts, named, useBrowserStand } from '../support/browser.js';
import { KeyboardUser, ZoomPage } from '../support/a11y.js';
import { HELP_TYPES } from '../../migrations/20261125000500_create_entitlements_and_orders.js';

const stand = useBrowserStand();

const helpName = (code: string, lang: 'ru' | 'kk' | 'en') => {
  const h = HELP_TYPES.find((x) => x.code === code);
  if (!h) throw new Error(`no help type ${code}`);
  return h[`name_${lang}`];
};

async function keyboardUser(lang: 'ru' | 'kk' | 'en'): Promise<{ p: ZoomPage; k: KeyboardUser }> {
  const p = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir, { lang });
  return { p, k: new KeyboardUser(p, stand.ctx.dataDir) };
}

/** From the login page to «Помощь для вас», by keyboard: the EDS dialog, the welcome letter, the menu. */
async function loginToHelp(p: ZoomPage, k: KeyboardUser, person: string, t: (key: string) => string) {
  await p.goto('/login');
  await k.sign(p.page.getByRole('button', { name: exact(t('auth:chooseEds')) }), person, 'AUTH');
  if (new URL(p.page.url()).pathname === '/welcome') {
    await k.activate(p.page.getByRole('button', { name: exact(t('auth:welcome.next')) }));
  }
  expect(new URL(p.page.url()).pathname).toBe('/cabinet');
  await k.activate(
    p.page
      .getByRole('navigation', { name: t('common:nav.label') })
      .getByRole('link', { name: exact(t('common:nav.help')) }),
  );
  expect(new URL(p.page.url()).pathname).toBe('/help');
}

describe('keyboard only, at 640 px: the recipient orders from login to the confirmation', () => {
  it('МСУ (ru): «Записаться» → «Подтвердить» signed in the dialog → «Ожидание прибытия получателя», listed in the cabinet', async () => {
    const t = localeTexts('ru');
    const { p, k } = await keyboardUser('ru');
    try {
      await loginToHelp(p, k, 'r01', t);
      await k.activate(
        p.page.getByRole('link', {
          name: named(t('entitlements:help.chooseSupplier'), helpName('MSU', 'ru')),
        }),
      );
      expect(new URL(p.page.url()).pathname).toBe('/msu');
      await k.activate(
        p.page.getByRole('button', { name: named(t('msu:button.enrol'), 'Отделение общего типа') }),
      );
      expect(await p.text()).toContain(t('msu:enrol.bring'));
      await k.sign(p.page.getByRole('button', { name: exact(t('msu:button.confirm')) }), 'r01');
      expect(new URL(p.page.url()).pathname).toMatch(/^\/msu\/orders\/\d+$/);
      expect(await p.text()).toContain(t('msu:status.awaiting_arrival'));

      // the confirmation banner has the focus: back up to the menu with Shift+Tab
      await k.activate(p.page.getByRole('link', { name: exact(t('common:nav.orderedServices')) }), {
        backwards: true,
      });
      const list = await p.text();
      expect(list).toContain(t('msu:status.awaiting_arrival'));
      expect(k.stops).toBeGreaterThan(20);
    } finally {
      await p.close();
    }
  });

  it('УЖЯ (kk): a specialist → the order form typed in → «Создать» signs in the dialog → confirmed with the signed application', async () => {
    const t = localeTexts('kk');
    const { p, k } = await keyboardUser('kk');
    try {
      await loginToHelp(p, k, 'r02', t);
      await k.activate(
        p.page.getByRole('link', {
          name: named(t('entitlements:help.chooseSupplier'), helpName('UZHYA', 'kk')),
        }),
      );
      expect(new URL(p.page.url()).pathname).toBe('/services/uzhya/specialists');
      await k.activate(
        p.page.getByRole('button', { name: named(t('services:button.order'), 'БАЙМУХАМЕДОВА') }),
      );
      await k.typeInto(p.page.getByLabel(t('services:field.phone')), '+7 701 555 12 34');
      await k.typeInto(
        p.page.getByLabel(t('services:field.commentOptional')),
        'Дәрігердің қабылдауында аударма',
      );
      // «Создать» opens the signing dialog at once (no page in between)
      await k.sign(p.page.getByRole('button', { name: exact(t('services:button.create')) }), 'r02');
      expect(new URL(p.page.url()).pathname).toMatch(/^\/services\/orders\/\d+$/);
      expect(await p.text()).toContain(t('services:status.created'));
      await k.activate(p.page.getByRole('button', { name: exact(t('services:button.confirm')) }));
      await k.sign(p.page.getByRole('button', { name: exact(t('services:button.sign')) }), 'r02');
      const card = await p.text();
      expect(card).toContain(t('services:status.awaiting_specialist'));
      expect(card).toContain('Дәрігердің қабылдауында аударма');
    } finally {
      await p.close();
    }
  });

  it('ТСР (en): radio buttons with the arrow keys, a select with the arrow keys → «Create» signs in the dialog → «Confirm» signs → in «Goods orders»', async () => {
    const t = localeTexts('en');
    const { p, k } = await keyboardUser('en');
    try {
      await loginToHelp(p, k, 'r04', t);
      await k.activate(
        p.page.getByRole('link', {
          name: named(t('entitlements:help.choose'), helpName('TSR_PROSTHESIS', 'en')),
        }),
      );
      expect(new URL(p.page.url()).pathname).toBe('/goods/TSR_PROSTHESIS');
      await k.activate(
        p.page.getByRole('link', {
          name: named(t('goods:offers.order'), 'Протез голени модульный «Ортомед-М2»'),
        }),
      );
      // the radio group: Tab reaches it once, the arrow keys move the choice (and reveal its fields)
      const radios = p.page.locator('input[type="radio"][name="fulfilment"]');
      const stationary = p.page.getByLabel(t('goods:fulfilment.stationary'), { exact: true });
      await k.tabTo(radios.first());
      const stationaryHandle = await stationary.elementHandle();
      for (let i = 0; i < 4 && !(await k.check(stationaryHandle)).isTarget; i++) {
        await p.page.keyboard.press('ArrowDown');
      }
      await p.page.keyboard.press('Space');
      expect(await stationary.isChecked()).toBe(true);
      const place = p.page.getByLabel(t('goods:create.stationaryPoint'));
      await k.tabTo(place);
      await p.page.keyboard.press('ArrowDown');
      expect(await place.inputValue()).not.toBe('');
      await k.sign(p.page.getByRole('button', { name: exact(t('goods:create.submit')) }), 'r04');
      expect(new URL(p.page.url()).pathname).toMatch(/^\/goods\/orders\/\d+$/);
      expect(await p.text()).toContain(t('goods:status.created'));
      await k.sign(p.page.getByRole('button', { name: exact(t('goods:action.confirm')) }), 'r04');
      expect(await p.text()).toContain(t('goods:status.awaiting_supplier'));

      await k.activate(p.page.getByRole('link', { name: exact(t('common:nav.goodsOrders')) }), {
        backwards: true,
      });
      expect(await p.text()).toContain(t('goods:status.awaiting_supplier'));
    } finally {
      await p.close();
    }
  });
});

describe('the session timeout warning, by keyboard', () => {
  it('comes before the session ends, keeps the focus on «extend» and extends the session with Enter', async () => {
    const t = localeTexts('ru');
    const { p, k } = await keyboardUser('ru');
    try {
      await p.page.clock.install();
      await p.goto('/login');
      await k.sign(p.page.getByRole('button', { name: exact(t('auth:chooseEds')) }), 'r05', 'AUTH');
      const minutes = Number(await p.page.locator('body').getAttribute('data-session-minutes'));
      expect(minutes).toBeGreaterThan(2);
      // two minutes before the end
      await p.page.clock.fastForward((minutes * 60 - 119) * 1000);
      const dialog = p.page.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.innerText()).toContain(t('common:session.warning'));
      await p.checkA11y('session-warning');
      const extend = dialog.getByRole('button', { name: exact(t('common:session.extend')) });
      // the dialog puts the focus on its only control
      expect((await k.check(await extend.elementHandle(), true)).isTarget).toBe(true);
      for (const key of ['Tab', 'Shift+Tab', 'Tab']) {
        await p.page.keyboard.press(key);
        expect((await k.check(await extend.elementHandle(), true)).isTarget).toBe(true);
      }
      const extended = p.page.waitForResponse((r) => r.url().endsWith('/session/extend') && r.ok());
      await p.page.keyboard.press('Enter');
      await extended;
      await dialog.waitFor({ state: 'hidden' });
    } finally {
      await p.close();
    }
  });
});
