import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PortalPage } from '../support/browser.js';
import { follow, useBrowserStand } from '../support/browser.js';
import { organisationByKey, personByKey } from '../../src/devstand/people.js';

const stand = useBrowserStand();

interface Texts {
  home: { link: string };
  register: { legal: { button: string }; entrepreneur: { button: string } };
  application: { submit: string };
  status: Record<'submitted' | 'approved' | 'refused', string>;
  decision: { approve: { button: string } };
  card: { title: string; openCard: string };
  apply: { sign: string };
}

/** What a user of that language reads (the test finds buttons and statuses by their words). */
function texts(lang: string): Texts {
  return JSON.parse(fs.readFileSync(path.join('locales', lang, 'participants.json'), 'utf8')) as Texts;
}

/** Chooses the interface language the way the switch does (its cookie). */
async function useLanguage(p: PortalPage, lang: string): Promise<void> {
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
}

async function applicationId(bin: string): Promise<number> {
  const row = (await stand.ctx
    .db('supplier_applications')
    .where({ bin })
    .orderBy('id', 'desc')
    .first('id')) as {
    id: number;
  };
  return row.id;
}

/** The administrator opens the application from the list and approves it, signed with the RSA key. */
async function approve(lang: string, bin: string): Promise<void> {
  const t = texts(lang);
  const a = await stand.open({ lang });
  try {
    await useLanguage(a, lang);
    await a.loginAs('a01');
    await a.goto('/admin/supplier-applications');
    await follow(a, new RegExp(`№ ${await applicationId(bin)}\\b`));
    await a.sign(t.decision.approve.button, 'a01');
    await a.page.locator('#application-status', { hasText: t.status.approved }).waitFor();
  } finally {
    await a.close();
  }
}

describe('registration of suppliers in the browser, every page checked by axe', () => {
  it('a new legal entity registers from the start page (ru), the administrator approves (en), the head opens the organisation card', async () => {
    const t = texts('ru');
    const care = organisationByKey('new-care');
    const h = await stand.open();
    try {
      await h.goto('/');
      await follow(h, t.home.link);
      expect(new URL(h.page.url()).pathname).toBe('/registration');
      await h.sign(t.register.legal.button, 'h01', 'AUTH');
      expect(new URL(h.page.url()).pathname).toBe('/registration/application');
      expect(await h.text()).toContain('ТОО «Мейірім Care»');
      await h.sign(t.application.submit, 'h01', 'SIGN');
      await h.page.locator('#application-status', { hasText: t.status.submitted }).waitFor();
    } finally {
      await h.close();
    }

    await approve('en', care.bin);

    const head = await stand.open();
    try {
      await head.loginAs('h01');
      await head.goto('/supplier');
      await follow(head, t.card.openCard);
      expect(new URL(head.page.url()).pathname).toBe('/supplier/organisation');
      const text = await head.text();
      expect(text).toContain(t.card.title);
      expect(text).toContain('88.10.1');
    } finally {
      await head.close();
    }
  });

  it('a new individual entrepreneur registers with the personal key (kk) and, approved, reaches the supplier cabinet', async () => {
    const t = texts('kk');
    const ip = personByKey('ip01');
    const p = await stand.open({ lang: 'kk' });
    try {
      await useLanguage(p, 'kk');
      await p.goto('/registration');
      await p.sign(t.register.entrepreneur.button, 'ip01', 'AUTH');
      expect(await p.text()).toContain('ИП «Ортопедия Плюс»');
      await p.sign(t.application.submit, 'ip01', 'SIGN');
      await p.page.locator('#application-status', { hasText: t.status.submitted }).waitFor();
    } finally {
      await p.close();
    }

    await approve('ru', ip.iin);

    const me = await stand.open({ lang: 'kk' });
    try {
      await useLanguage(me, 'kk');
      await me.loginAs('ip01');
      await me.goto('/supplier');
      expect(await me.text()).toContain('ИП «Ортопедия Плюс»');
      await me.goto('/supplier/organisation');
      expect(await me.text()).toContain(t.card.title);
    } finally {
      await me.close();
    }
  });
});
