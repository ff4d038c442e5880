/**
 * What a person sees on three forms and pages (issue 13, items 6–8):
 * - the ТСР order form shows only the chosen method's fields: with JavaScript at once, without it
 *   after «Далее»;
 * - the МСУ catalogue at 640 px (200 % zoom), also in «Версия для слабовидящих»: a card per department
 *   with its action in view, no sideways scrolling, one markup for assistive technology;
 * - the specialist's journal month whose act is sent offers no form, only the seed's message.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  PAGE_TIMEOUT,
  exact,
  follow,
  localeTexts,
  named,
  press,
  useBrowserStand,
} from '../support/browser.js';
import { ZOOM_VIEWPORT, ZoomPage, assertNoHorizontalScroll } from '../support/a11y.js';
import { LOW_VISION_COOKIE } from '../../src/web/session-cookie.js';

const stand = useBrowserStand();
const goods = localeTexts('ru', 'goods');
/** The fields a courier delivery asks for, in the order the form shows them (the phone and comment last). */
const COURIER_FIELDS = ['region', 'locality', 'street', 'house', 'flat', 'phone', 'comment'].map((f) =>
  goods(`create.${f}`),
);
const msu = localeTexts('ru', 'msu');

/** The labels of the form controls a person can see (and reach) on the page. */
async function visibleFields(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLInputElement>('main input, main select, main textarea'))
      .filter((el) => el.type !== 'hidden' && el.type !== 'radio' && el.checkVisibility())
      .map((el) => (el.labels?.[0]?.textContent ?? el.name).trim()),
  );
}

describe('the ТСР order form shows only the fields of the chosen method', () => {
  it('with JavaScript: choosing a method reveals its fields alone, the page passes axe in each state', async () => {
    const r = await stand.open();
    try {
      await r.loginAs('r15');
      await r.goto('/goods/TSR_WHEELCHAIR');
      await follow(r, named(goods('offers.order'), 'Кресло-коляска комнатная «Армед H 035»'));
      // nothing chosen: no method's fields; «Создать» (the script replaced «Далее»)
      expect(await visibleFields(r.page)).toEqual([goods('create.comment')]);
      expect(await r.page.getByRole('button', { name: exact(goods('create.next')) }).count()).toBe(0);
      expect(await r.page.getByRole('button', { name: exact(goods('create.submit')) }).isVisible()).toBe(
        true,
      );

      const courier = r.page.getByLabel(goods('fulfilment.courier'), { exact: true });
      expect(await courier.getAttribute('aria-controls')).toBe('method-address');
      await courier.check();
      expect(await visibleFields(r.page)).toEqual(COURIER_FIELDS);
      // the phone is the contact for the whole order, not a part of the address group
      expect(await r.page.locator('fieldset #phone').count()).toBe(0);
      expect(await r.page.locator('fieldset #street').count()).toBe(1);
      await r.checkA11y('courier');

      await r.page.getByLabel(goods('fulfilment.pickup'), { exact: true }).check();
      expect(await visibleFields(r.page)).toEqual([goods('create.warehouse'), goods('create.comment')]);
      await r.checkA11y('pickup');

      // the server asks only for the chosen method's fields: an emptied address does not stop a pickup
      await r.page.getByLabel(goods('fulfilment.courier'), { exact: true }).check();
      await r.page.getByLabel(goods('create.street')).fill('');
      await r.page.getByLabel(goods('fulfilment.pickup'), { exact: true }).check();
      await press(r, goods('create.submit'), 'pickup without a warehouse');
      const summary = await r.page.locator('.govuk-error-summary').innerText();
      expect(summary).toContain(goods('errors.warehouseRequired'));
      expect(summary).not.toContain(goods('errors.streetRequired'));
      // the page comes back with the pickup's fields, the chosen method kept
      expect(await visibleFields(r.page)).toEqual([goods('create.warehouse'), goods('create.comment')]);
    } finally {
      await r.close();
    }
  });

  it('without JavaScript: the method, «Далее», then that method’s fields and «Создать»', async () => {
    const context = await stand.browser.newContext({ locale: 'ru-RU', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT);
    try {
      // log in with JavaScript (the signing dialog needs it), then go on in a context without it
      const withJs = await stand.open();
      await withJs.loginAs('r15');
      await context.addCookies(await withJs.page.context().cookies());
      await withJs.close();
      // axe-core needs scripts: the same HTML, at the same address, in a page whose own scripts are blocked
      const checker = await stand.open();
      await checker.page.route('**/*.js', (route) => route.abort());
      await checker.page.route('**/*.mjs', (route) => route.abort());
      const checkNoJs = async (label: string) => {
        const html = await page.content();
        await checker.page.goto(`${stand.baseUrl}/accessibility`, { waitUntil: 'load' });
        await checker.page.setContent(html, { waitUntil: 'load' });
        await checker.checkA11y(label);
      };

      await page.goto(`${stand.baseUrl}/goods/TSR_WHEELCHAIR`);
      await Promise.all([
        page.waitForNavigation(),
        page
          .getByRole('link', { name: named(goods('offers.order'), 'Кресло-коляска комнатная «Армед H 035»') })
          .click(),
      ]);
      expect(await visibleFields(page)).toEqual([goods('create.comment')]);
      expect(await page.getByRole('button', { name: exact(goods('create.submit')) }).count()).toBe(0);
      await checkNoJs('step one');

      // «Далее» with nothing chosen: the error, still step one
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: exact(goods('create.next')) }).click(),
      ]);
      expect(await page.locator('.govuk-error-summary').innerText()).toContain(
        goods('errors.fulfilmentRequired'),
      );
      expect(await visibleFields(page)).toEqual([goods('create.comment')]);

      await page.getByLabel(goods('fulfilment.courier'), { exact: true }).check();
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: exact(goods('create.next')) }).click(),
      ]);
      expect(await page.locator('.govuk-error-summary').count()).toBe(0);
      expect(await visibleFields(page)).toEqual(COURIER_FIELDS);
      // prefilled from the registry, the method kept
      expect(await page.getByLabel(goods('create.street')).inputValue()).toBe('ул. Ермекова');
      expect(await page.getByLabel(goods('fulfilment.courier'), { exact: true }).isChecked()).toBe(true);
      expect(await page.getByRole('button', { name: exact(goods('create.next')) }).count()).toBe(0);
      await checkNoJs('step two');

      // «Создать» leads on to the document to sign
      await page.getByLabel(goods('create.house')).fill('');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: exact(goods('create.submit')) }).click(),
      ]);
      expect(await page.locator('.govuk-error-summary').innerText()).toContain(goods('errors.houseRequired'));
      await page.getByLabel(goods('create.house')).fill('30');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: exact(goods('create.submit')) }).click(),
      ]);
      expect(await page.locator('.govuk-error-summary').count()).toBe(0);
      expect(await page.locator('main').innerText()).toContain('ул. Ермекова');
      await checker.close();
    } finally {
      await context.close();
    }
  });
});

describe('the МСУ catalogue at 200 % zoom (640 px): a card per department, its action in view', () => {
  for (const lowVision of [false, true]) {
    it(`${lowVision ? '«Версия для слабовидящих»' : 'the usual version'}: «Записаться» and «Встать в очередь» visible, no sideways scrolling`, async () => {
      const p = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
      try {
        if (lowVision)
          await p.page.context().addCookies([{ name: LOW_VISION_COOKIE, value: '1', url: stand.baseUrl }]);
        await p.goto('/msu?region=' + encodeURIComponent('г. Астана')); // axe, reflow, targets
        expect(await p.page.evaluate(() => document.body.classList.contains('low-vision'))).toBe(lowVision);
        await assertNoHorizontalScroll(p.page);

        const inView = async (name: RegExp) => {
          const links = p.page.getByRole('button', { name });
          // one markup for assistive technology: the table's copy is not in the accessibility tree
          expect(await links.count()).toBe(1);
          const box = (await links.first().boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(ZOOM_VIEWPORT.width);
        };
        await inView(named(msu('button.enrol'), 'Отделение общего типа'));
        await inView(named(msu('button.queue'), 'Отделение милосердия'));

        // the card names what the table's columns said, «Свободных мест» in full view
        const card = p.page.getByRole('group', { name: 'Отделение милосердия' });
        const free = card.getByText(msu('dept.free'), { exact: true });
        expect(await free.isVisible()).toBe(true);
        const fb = (await free.boundingBox())!;
        expect(fb.x + fb.width).toBeLessThanOrEqual(ZOOM_VIEWPORT.width);
        // nothing inside scrolls sideways either
        const scrolls = await p.page.evaluate(() =>
          Array.from(document.querySelectorAll('main *'))
            .filter((el) => el.checkVisibility() && el.scrollWidth > el.clientWidth + 1)
            .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
            .map((el) => el.className),
        );
        expect(scrolls).toEqual([]);
        expect(await p.page.locator('table').first().isVisible()).toBe(false);
      } finally {
        await p.close();
      }
    });
  }

  it('on a wide screen the departments stay a table that fits; narrower, or in «Версия для слабовидящих», cards', async () => {
    const p = await stand.open();
    try {
      const tablesThatScroll = () =>
        p.page.evaluate(
          () =>
            Array.from(document.querySelectorAll('main table'))
              .filter((t) => t.checkVisibility())
              .map((t) => t.parentElement!)
              .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1).length,
        );
      const mercyQueue = () =>
        p.page.getByRole('button', { name: named(msu('button.queue'), 'Отделение милосердия') });
      await p.page.setViewportSize({ width: 1280, height: 900 });
      await p.goto('/msu');
      expect(await p.page.getByRole('table').first().isVisible()).toBe(true);
      expect(await tablesThatScroll()).toBe(0);
      expect(await p.page.getByRole('group', { name: 'Отделение милосердия' }).count()).toBe(0);
      expect(await mercyQueue().count()).toBe(1);

      // where the table would scroll inside its frame, the cards take its place
      await p.page.setViewportSize({ width: 900, height: 900 });
      expect(await p.page.getByRole('table').count()).toBe(0);
      expect(await p.page.getByRole('group', { name: 'Отделение милосердия' }).count()).toBe(1);
      expect(await mercyQueue().count()).toBe(1);

      await p.page.setViewportSize({ width: 1280, height: 900 });
      await p.page.context().addCookies([{ name: LOW_VISION_COOKIE, value: '1', url: stand.baseUrl }]);
      await p.goto('/msu?region=' + encodeURIComponent('г. Астана'));
      expect(await p.page.getByRole('table').count()).toBe(0);
      expect(await p.page.getByRole('group', { name: 'Отделение милосердия' }).count()).toBe(1);
      expect(await mercyQueue().count()).toBe(1);
    } finally {
      await p.close();
    }
  });
});
