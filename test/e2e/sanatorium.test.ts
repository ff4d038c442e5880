import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import type { PortalPage } from '../support/browser.js';
import { follow, localeTexts, named, useBrowserStand } from '../support/browser.js';

const stand = useBrowserStand();
const DAY = 24 * 3600 * 1000;

/** Chooses the interface language the way the switch does (its cookie). */
async function useLanguage(p: PortalPage, lang: string): Promise<void> {
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
}

async function pdfText(file: string): Promise<string> {
  const p = new PDFParse({ data: fs.readFileSync(file) });
  try {
    return (await p.getText()).text;
  } finally {
    await p.destroy();
  }
}

describe('sanatorium treatment in the browser, every page checked by axe', () => {
  it('the recipient orders with an accompanying person (ru), the sanatorium confirms and downloads the voucher (kk), arrival and completion (en)', async () => {
    const ru = localeTexts('ru', 'sanatorium');
    const kk = localeTexts('kk', 'sanatorium');
    const en = localeTexts('en', 'sanatorium');
    const r = await stand.open();
    const s = await stand.open({ lang: 'kk' });
    const e = await stand.open({ lang: 'en' });
    try {
      // a short period of «Бурабай-Шипагер» starting the day after tomorrow (listed first)
      const db = stand.ctx.db;
      const org = (await db('sanatoriums')
        .where({ name: 'Санаторий «Бурабай-Шипагер»' })
        .first('organisation_id')) as {
        organisation_id: number;
      };
      await db('sanatorium_periods').insert({
        organisation_id: org.organisation_id,
        starts_on: db.raw(`(now() at time zone 'Asia/Almaty')::date + 2`),
        days: 3,
        places: 5,
        companion_places: 2,
        price_tiyn: 32_000_000,
        companion_price_tiyn: 20_000_000,
      });
      // ru: «Помощь для вас» → «Выбрать поставщика» → a period → with a companion → «Создать» → «Подтвердить»
      await r.loginAs('san-r1');
      await r.goto('/help');
      await follow(r, /Выбрать поставщика/);
      expect(new URL(r.page.url()).pathname).toBe('/sanatorium');
      await follow(r, named(ru('search.choose'), 'Санаторий «Бурабай-Шипагер»'));
      expect(new URL(r.page.url()).pathname).toMatch(/^\/sanatorium\/periods\/\d+$/);
      await r.page.getByLabel(ru('period.companionYes')).check();
      await r.sign(ru('action.create'), 'san-r1');
      const m = /\/sanatorium\/orders\/(\d+)$/.exec(new URL(r.page.url()).pathname);
      expect(m).not.toBeNull();
      const orderId = Number(m![1]);
      expect(await r.page.locator('#order-status').innerText()).toBe(ru('status.created'));
      await r.sign(ru('action.confirm'), 'san-r1');
      expect(await r.page.locator('#order-status').innerText()).toBe(ru('status.awaiting_sanatorium'));
      const number = (
        (await stand.ctx.db('orders').where({ id: orderId }).first('number')) as { number: string }
      ).number;

      // kk: the sanatorium's employee opens the incoming order, confirms, downloads the voucher
      await useLanguage(s, 'kk');
      await s.loginAs('san-e1');
      await s.goto('/sanatorium-cabinet');
      expect(await s.text()).toContain(kk('cabinet.incoming'));
      await follow(s, number);
      await s.sign(kk('action.accept'), 'san-e1');
      expect(await s.page.locator('#order-status').innerText()).toBe(kk('status.confirmed'));
      const [download] = await Promise.all([
        s.page.waitForEvent('download'),
        s.page.locator('#voucher-link').click(),
      ]);
      const file = await download.path();
      const pdf = await pdfText(file);
      expect(pdf).toContain('ҚҰРМАНҒАЛИЕВА ӘСЕЛ ҒАЛЫМҚЫЗЫ');
      expect(pdf).toContain('Путёвка на санаторно-курортное лечение');
      expect(pdf).toContain('/verify/');

      // en: the arrival day comes, then the last day
      const startsOn = (await stand.ctx
        .db('sanatorium_orders as so')
        .join('sanatorium_periods as p', 'p.id', 'so.period_id')
        .where('so.order_id', orderId)
        .first(stand.ctx.db.raw(`to_char(p.starts_on, 'YYYY-MM-DD') as d`), 'p.days')) as {
        d: string;
        days: number;
      };
      // logged in today; the clock then moves to the arrival day
      await useLanguage(e, 'en');
      await e.loginAs('san-e1');
      stand.ctx.clock.set(new Date(`${startsOn.d}T10:00:00+05:00`));
      await e.goto(`/sanatorium-cabinet/orders/${orderId}`);
      expect(await e.text()).toContain(en('action.arrive'));
      await e.sign(en('action.arrive'), 'san-e1');
      expect(await e.page.locator('#order-status').innerText()).toBe(en('status.arrived'));
      stand.ctx.clock.set(new Date(new Date(`${startsOn.d}T10:00:00+05:00`).getTime() + startsOn.days * DAY));
      await e.goto(`/sanatorium-cabinet/orders/${orderId}`);
      await e.sign(en('action.complete'), 'san-e1');
      expect(await e.page.locator('#order-status').innerText()).toBe(en('status.completed'));

      // the recipient sees the whole history
      await r.goto(`/sanatorium/orders/${orderId}`);
      const card = await r.text();
      for (const st of ['created', 'awaiting_sanatorium', 'confirmed', 'arrived', 'completed'])
        expect(card).toContain(ru(`status.${st}`));
    } finally {
      stand.ctx.clock.reset();
      await r.close();
      await s.close();
      await e.close();
    }
  }, 600_000);

  it('the administrator’s registry and report, and the public free places, pass axe', async () => {
    const a = await stand.open();
    try {
      await a.goto('/open-data/sanatoriums');
      expect(await a.text()).toContain('Санаторий «Көкшетау-Жасыл»');
      await a.loginAs('a01');
      await a.goto('/admin/sanatoriums');
      expect(await a.page.locator('svg[role="img"]').count()).toBe(1);
    } finally {
      await a.close();
    }
  }, 600_000);
});
