import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalPage } from '../support/browser.js';
import { useBrowserStand } from '../support/browser.js';

const stand = useBrowserStand();

interface Texts {
  cabinet: {
    title: string;
    tabs: Record<'general' | 'documents' | 'bank' | 'medical', string>;
    edit: string;
    editPhone: string;
  };
  phone: { send: string; confirm: string; label: string; codeLabel: string };
  flash: { phoneChanged: string; activationRequested: string };
  help: { title: string; activate: string; sections: Record<string, string> };
  orders: { servicesTitle: string; goodsTitle: string };
  errors: { phoneInvalid: string };
  measureStatus: { activationPending: string };
}

/** The page texts as the locales have them (the tests read what a user of that language reads). */
function texts(lang: string): Texts {
  return JSON.parse(fs.readFileSync(path.join('locales', lang, 'entitlements.json'), 'utf8')) as Texts;
}

/** Clicks a link and waits for the page it leads to, then runs axe on it (once per page and language). */
async function follow(p: PortalPage, name: string | RegExp, pathname: string, lang: string): Promise<void> {
  await Promise.all([
    p.page.waitForURL((u) => u.pathname === pathname, { waitUntil: 'load' }),
    p.page.getByRole('link', { name }).first().click(),
  ]);
  await p.checkA11y(lang);
}

async function press(p: PortalPage, name: string | RegExp, label: string): Promise<void> {
  await Promise.all([
    p.page.waitForNavigation({ waitUntil: 'load' }),
    p.page.getByRole('button', { name }).first().click(),
  ]);
  await p.checkA11y(label);
}

async function open(p: PortalPage, url: string, lang: string): Promise<void> {
  await p.page.goto(p.baseUrl + url, { waitUntil: 'load' });
  await p.checkA11y(lang);
}

const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);

const JOURNEYS = [
  { lang: 'ru', phone: '+77052223344' },
  { lang: 'kk', phone: '+77073334455' },
  { lang: 'en', phone: '+77475556677' },
];

describe('recipient cabinet in the browser', () => {
  let p: PortalPage;
  beforeAll(async () => {
    // one login through the .p12 dialog (the slow part); the languages follow one another in it
    p = await stand.open();
    await p.loginAs('r09');
  });
  afterAll(async () => {
    await p?.close();
  });

  it('logged in with the AUTH key through the dialog, the person lands in «Личный кабинет»', async () => {
    expect(new URL(p.page.url()).pathname).toBe('/cabinet');
    expect(await p.page.locator('h1').innerText()).toBe(texts('ru').cabinet.title);
  });

  for (const j of JOURNEYS) {
    it(`opens every tab and «Помощь для вас», and changes the phone with an SMS code (${j.lang})`, async () => {
      const t = texts(j.lang);
      await open(p, `/cabinet?lang=${j.lang}`, j.lang);
      expect(await p.page.getAttribute('html', 'lang')).toBe(j.lang);
      expect(await p.page.locator('h1').innerText()).toBe(t.cabinet.title);
      expect(await p.page.locator('[aria-current="page"]', { hasText: t.cabinet.tabs.general }).count()).toBe(
        1,
      );

      await follow(p, exact(t.cabinet.tabs.documents), '/cabinet/documents', j.lang);
      await follow(p, exact(t.cabinet.tabs.bank), '/cabinet/bank', j.lang);
      expect(await p.text()).toMatch(/KZ\d{2}601A\d{12}/);
      await follow(p, exact(t.cabinet.tabs.medical), '/cabinet/medical', j.lang);
      await follow(p, exact(t.cabinet.tabs.general), '/cabinet', j.lang);

      // the pen icon: a link whose accessible name says what it changes
      await follow(p, `${t.cabinet.edit} ${t.cabinet.editPhone}`, '/cabinet/contacts/phone', j.lang);
      await p.page.getByLabel(t.phone.label).fill('12 34');
      await press(p, t.phone.send, `${j.lang} invalid phone`);
      expect(await p.page.locator('.govuk-error-summary').innerText()).toContain(t.errors.phoneInvalid);
      await p.page
        .getByLabel(t.phone.label)
        .fill(j.phone.replace(/^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/, '8 ($1) $2-$3-$4'));
      await press(p, t.phone.send, j.lang);
      expect(new URL(p.page.url()).pathname).toBe('/cabinet/contacts/phone/confirm');

      // the dev stand shows what the SMS gateway "sent"
      await stand.ctx.services.outbox.deliverDue(500);
      await open(p, `/dev/sms?phone=${encodeURIComponent(j.phone)}`, j.lang);
      const sms = await p.page.locator('#sms-table tbody tr td.sms-text').first().innerText();
      const code = /(\d{6})/.exec(sms)?.[1];
      expect(code).toMatch(/^\d{6}$/);

      await open(p, '/cabinet/contacts/phone/confirm', j.lang);
      await p.page.getByLabel(t.phone.codeLabel).fill(code!);
      await press(p, t.phone.confirm, j.lang);
      expect(new URL(p.page.url()).pathname).toBe('/cabinet');
      const cabinet = await p.text();
      expect(cabinet).toContain(t.flash.phoneChanged);
      expect(cabinet).toContain(j.phone);

      await follow(p, exact(t.help.title), '/help', j.lang);
      const help = await p.text();
      for (const s of Object.values(t.help.sections)) expect(help).toContain(s);
      await follow(p, exact(t.orders.servicesTitle), '/cabinet/services', j.lang);
      await follow(p, exact(t.orders.goodsTitle), '/cabinet/goods', j.lang);
    });
  }

  it('a recipient whose window is over presses «Активировать выбор поставщика» and sees the measure pending', async () => {
    const t = texts('ru');
    const p = await stand.open();
    try {
      await p.loginAs('r13');
      await open(p, '/help', 'ru');
      await press(p, t.help.activate, 'activated');
      const text = await p.text();
      expect(text).toContain(t.flash.activationRequested);
      expect(await p.page.locator('[data-help-type="TSR_WHITE_CANE"]').innerText()).toContain(
        t.measureStatus.activationPending,
      );
      expect(
        await stand.ctx
          .db('outbox')
          .where({ system: 'esobes', topic: 'supplier-choice-activation' })
          .count('* as n')
          .first(),
      ).toEqual({ n: 2 });
    } finally {
      await p.close();
    }
  });
});
