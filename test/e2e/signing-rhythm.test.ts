/**
 * One signing rhythm (issue 13, items 4 and 5): every signed step goes from the page where the person
 * sees what they sign (and types a reason where one is needed) straight to the signing dialog — no
 * page in between — and the dialog shows the chosen key's owner, masked IIN, key type, issuer and
 * validity before «Подписать»; a key that does not fit is explained there and nothing is sent.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import {
  exact,
  follow,
  keyFile,
  localeTexts,
  named,
  press,
  starts,
  useBrowserStand,
  type PortalPage,
} from '../support/browser.js';
import { PEOPLE } from '../../src/devstand/people.js';

const stand = useBrowserStand();

function personOf(key: string) {
  const p = PEOPLE.find((x) => x.key === key);
  if (!p) throw new Error(`no person ${key}`);
  return p;
}

/** The requests a page sends from now on: its page loads (navigations) and every POST. */
function watch(p: PortalPage) {
  const navigations: string[] = [];
  const posts: string[] = [];
  const onRequest = (r: Request) => {
    if (r.frame() !== p.page.mainFrame()) return;
    if (r.isNavigationRequest()) navigations.push(`${r.method()} ${new URL(r.url()).pathname}`);
    if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
  };
  p.page.on('request', onRequest);
  return { navigations, posts, stop: () => p.page.off('request', onRequest) };
}

/**
 * Presses the step's button on the page that shows what is signed and expects the signing dialog
 * over that same page: no page load in between (at most the document asked for in the background).
 */
async function pressOpensDialog(p: PortalPage, name: string | RegExp): Promise<void> {
  const before = p.page.url();
  const w = watch(p);
  await p.page.getByRole('button', { name }).first().click();
  await p.page.locator('dialog[open]').waitFor({ state: 'visible' });
  w.stop();
  expect(p.page.url(), 'the dialog opens over the page with the button').toBe(before);
  expect(w.navigations, 'no page between the button and the dialog').toEqual([]);
  expect(w.posts.length).toBeLessThanOrEqual(1);
}

/** «Подписать» in the dialog (after the key's data) and the page the signed step leads to. */
async function signOpenedKey(p: PortalPage): Promise<void> {
  await Promise.all([
    p.page.waitForNavigation({ waitUntil: 'load' }),
    p.page.locator('dialog[open] button[type="submit"]:visible').click(),
  ]);
  await p.checkA11y();
}

/** The key's data as the dialog lists it: label → value. */
async function keyData(p: PortalPage): Promise<Record<string, string>> {
  const rows = p.page.locator('dialog[open] #eds-key-data .govuk-summary-list__row');
  const out: Record<string, string> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const key = await rows.nth(i).locator('dt').innerText();
    out[key.trim()] = (await rows.nth(i).locator('dd').innerText()).trim();
  }
  return out;
}

const masked = (iin: string) => `${iin.slice(0, 4)}******${iin.slice(10)}`;
const DATE = /^\d{2}\.\d{2}\.\d{4} — \d{2}\.\d{2}\.\d{4}$/;
const ISSUER = 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV';

describe('one signing rhythm: the page with the button → the dialog, the key shown before it signs', () => {
  it('МСУ (ru): enrolment and the queue cancellation with its reason open the dialog at once; the key data is shown', async () => {
    const t = localeTexts('ru');
    const r = await stand.open();
    const q = await stand.open();
    try {
      await r.loginAs('r01');
      await r.goto('/msu?profile=general&region=' + encodeURIComponent('г. Астана'));
      await press(r, named(t('msu:button.enrol'), 'Отделение общего типа'));
      await pressOpensDialog(r, exact(t('msu:button.confirm')));
      const data = await r.openKeyInDialog('r01', 'SIGN');
      expect(await data.isVisible()).toBe(true);
      await signOpenedKey(r);
      expect(await r.text()).toContain(t('msu:status.awaiting_arrival'));

      await q.loginAs('r20');
      await q.goto('/msu?profile=mercy');
      await press(q, named(t('msu:button.queue'), 'Отделение милосердия'));
      await pressOpensDialog(q, exact(t('msu:button.queue')));
      await q.openKeyInDialog('r20', 'SIGN');
      await signOpenedKey(q);
      expect(await q.text()).toContain(t('msu:status.queued'));

      // seed 000, item 16: the refusal window has «Подписать»; the reason is typed there
      await press(q, exact(t('msu:button.cancelQueue')));
      await q.page.getByLabel(t('msu:reasonForm.label')).fill('Переезжаю к родственникам');
      await pressOpensDialog(q, exact(t('msu:button.sign')));
      await q.openKeyInDialog('r20', 'SIGN');
      const r20 = personOf('r20');
      const shown = await keyData(q);
      expect(shown[t('eds:dialog.owner')]).toContain(r20.surname);
      expect(shown[t('eds:dialog.iin')]).toBe(masked(r20.iin));
      expect(await q.page.locator('dialog[open]').innerText()).not.toContain(r20.iin);
      expect(shown[t('eds:dialog.keyType')]).toBe(t('eds:dialog.typeSign'));
      expect(shown[t('eds:dialog.issuer')]).toBe(ISSUER);
      expect(shown[t('eds:dialog.validity')]).toMatch(DATE);
      await signOpenedKey(q);
      const card = await q.text();
      expect(card).toContain(t('msu:status.queue_cancelled'));
      expect(card).toContain('Переезжаю к родственникам');
    } finally {
      await r.close();
      await q.close();
    }
  }, 300_000);

  it('УЖЯ (kk) and the specialist: «Құру» and the refusal with a reason open the dialog at once; the key data in Kazakh', async () => {
    const t = localeTexts('kk');
    const r = await stand.open({ lang: 'kk' });
    const s = await stand.open({ lang: 'kk' });
    try {
      for (const p of [r, s])
        await p.page.context().addCookies([{ name: 'lang', value: 'kk', url: stand.baseUrl }]);
      await r.loginAs('r02');
      await r.goto('/services/uzhya/specialists');
      await press(r, named(t('services:button.order'), 'БАЙМУХАМЕДОВА'));
      await r.page.getByLabel(t('services:field.phone')).fill('+7 701 555 12 34');
      await pressOpensDialog(r, exact(t('services:button.create')));
      await r.openKeyInDialog('r02', 'SIGN');
      const shown = await keyData(r);
      expect(shown[t('eds:dialog.owner')]).toContain(personOf('r02').surname);
      expect(shown[t('eds:dialog.iin')]).toBe(masked(personOf('r02').iin));
      expect(shown[t('eds:dialog.keyType')]).toBe(t('eds:dialog.typeSign'));
      expect(shown[t('eds:dialog.validity')]).toMatch(DATE);
      await signOpenedKey(r);
      expect(new URL(r.page.url()).pathname).toMatch(/^\/services\/orders\/\d+$/);
      expect(await r.text()).toContain(t('services:status.created'));
      // «Растау» → the «Заявление на возмещение» page, whose «Қол қою» opens the dialog at once
      await press(r, exact(t('services:button.confirm')));
      await pressOpensDialog(r, exact(t('services:button.sign')));
      await r.openKeyInDialog('r02', 'SIGN');
      await signOpenedKey(r);
      expect(await r.text()).toContain(t('services:status.awaiting_specialist'));

      // the specialist declines with a reason: the reason's page signs
      await s.loginAs('s01');
      await follow(s, starts(t('services:button.respond')));
      await press(s, exact(t('services:button.reject')));
      await s.page.locator('input[name="reason"]').first().check();
      await pressOpensDialog(s, exact(t('services:button.confirm')));
      await s.openKeyInDialog('s01', 'SIGN');
      await signOpenedKey(s);
      expect(await s.text()).toContain(t('services:status.rejected'));
    } finally {
      await r.close();
      await s.close();
    }
  }, 300_000);

  it('ТСР (en) and the supplier: «Create», «Confirm» and «Confirm availability» open the dialog at once; the key data in English', async () => {
    const t = localeTexts('en');
    const r = await stand.open({ lang: 'en' });
    const s = await stand.open({ lang: 'en' });
    try {
      for (const p of [r, s])
        await p.page.context().addCookies([{ name: 'lang', value: 'en', url: stand.baseUrl }]);
      await r.loginAs('r01');
      await r.goto('/goods/TSR_PROSTHESIS');
      await follow(r, named(t('goods:offers.order'), 'Протез голени модульный «Ортомед-М2»'));
      await r.page.getByLabel(t('goods:fulfilment.stationary'), { exact: true }).check();
      await r.page.getByLabel(t('goods:create.stationaryPoint')).selectOption({ index: 1 });
      await pressOpensDialog(r, exact(t('goods:create.submit')));
      await r.openKeyInDialog('r01', 'SIGN');
      const shown = await keyData(r);
      expect(shown[t('eds:dialog.owner')]).toContain(personOf('r01').surname);
      expect(shown[t('eds:dialog.iin')]).toBe(masked(personOf('r01').iin));
      expect(shown[t('eds:dialog.keyType')]).toBe('Signing (RSA)');
      expect(shown[t('eds:dialog.issuer')]).toBe(ISSUER);
      expect(shown[t('eds:dialog.validity')]).toMatch(DATE);
      await signOpenedKey(r);
      const orderId = Number(/\/goods\/orders\/(\d+)$/.exec(new URL(r.page.url()).pathname)?.[1]);
      expect(orderId).toBeGreaterThan(0);
      expect(await r.text()).toContain(t('goods:status.created'));
      await pressOpensDialog(r, exact(t('goods:action.confirm')));
      await r.openKeyInDialog('r01', 'SIGN');
      await signOpenedKey(r);
      expect(await r.text()).toContain(t('goods:status.awaiting_supplier'));

      const { number } = (await stand.ctx.db('orders').where({ id: orderId }).first('number')) as {
        number: string;
      };
      await s.loginAs('e05');
      await s.goto('/supplier/orders');
      await follow(s, number);
      await pressOpensDialog(s, exact(t('goods:action.reserve')));
      const data = await s.openKeyInDialog('e05', 'SIGN');
      // an employee's key names the organisation
      expect(await data.innerText()).toContain(t('eds:dialog.organisation'));
      await signOpenedKey(s);
      expect(await s.text()).toContain(t('goods:status.reserved'));
    } finally {
      await r.close();
      await s.close();
    }
  }, 300_000);

  it('ru: an authentication key, an expired key, a legal entity’s key are explained in the dialog and nothing is sent', async () => {
    const t = localeTexts('ru');
    const r = await stand.open();
    try {
      await r.loginAs('r05');
      await r.goto('/eds/check');
      await pressOpensDialog(r, exact(t('eds:dialog.sign')));
      const dialog = r.page.locator('dialog[open]');
      const signButton = dialog.getByRole('button', {
        name: exact(t('eds:dialog.sign')),
        includeHidden: true,
      });
      const posts = watch(r);

      // the AUTH key where a signing key is needed
      await r.openKeyInDialog('r05', 'AUTH');
      let shown = await keyData(r);
      expect(shown[t('eds:dialog.keyType')]).toBe(t('eds:dialog.typeAuth'));
      expect(await dialog.locator('#eds-key-problems').innerText()).toBe(t('eds:dialog.wrongKeySign'));
      expect(await signButton.isVisible()).toBe(false);

      // another key: an expired one
      await dialog.getByRole('button', { name: exact(t('eds:dialog.otherKey')) }).click();
      await r.openKeyInDialog('expired', 'SIGN', { file: keyFile(stand.ctx.dataDir, 'expired', 'SIGN') });
      shown = await keyData(r);
      const validity = shown[t('eds:dialog.validity')] ?? '';
      expect(validity).toMatch(DATE);
      const until = validity.split(' — ')[1];
      expect(await dialog.locator('#eds-key-problems').innerText()).toBe(
        `${t('eds:dialog.expired')} ${until}.`,
      );
      expect(await signButton.isVisible()).toBe(false);

      // a legal entity's key where a person signs for themselves
      await dialog.getByRole('button', { name: exact(t('eds:dialog.otherKey')) }).click();
      await r.openKeyInDialog('legal-entity', 'SIGN', {
        file: keyFile(stand.ctx.dataDir, 'legal-entity', 'SIGN'),
      });
      expect(await dialog.locator('#eds-key-problems').innerText()).toBe(t('eds:dialog.legalEntity'));
      expect(await signButton.isVisible()).toBe(false);

      // the explanation is announced: the live region says it
      await expect
        .poll(() => dialog.locator('[aria-live="assertive"].govuk-visually-hidden').textContent())
        .toContain(t('eds:dialog.legalEntity'));
      posts.stop();
      expect(posts.posts, 'nothing is sent for a key that does not fit').toEqual([]);
      expect(posts.navigations).toEqual([]);

      await dialog
        .getByRole('button', { name: exact(t('eds:dialog.cancel')) })
        .first()
        .click();
      await dialog.waitFor({ state: 'detached' });
      expect(await r.page.locator('.eds-form-status').innerText()).toBe(t('eds:dialog.cancelled'));
      const stored = await stand.ctx.db('signed_documents').where({ purpose: 'eds-check' }).count('* as n');
      expect(Number(stored[0]?.n)).toBe(0);
    } finally {
      await r.close();
    }
  });
});
