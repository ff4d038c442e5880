import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PortalPage } from '../support/browser.js';
import { follow, named, press, starts, useBrowserStand } from '../support/browser.js';
import type { GoodsAction, GoodsStatus } from '../../src/modules/goods/rules.js';

const stand = useBrowserStand();

interface Texts {
  title: string;
  kinds: { choose: string };
  offers: { order: string };
  create: {
    submit: string;
    stationaryPoint: string;
    warehouse: string;
    locality: string;
    street: string;
    house: string;
    phone: string;
  };
  fulfilment: Record<'stationary' | 'home' | 'courier' | 'pickup', string>;
  status: Record<GoodsStatus, string>;
  action: Record<GoodsAction, string>;
  sign: { button: string };
  order: { trackDelivery: string };
  supplier: { toOrders: string; toCatalogue: string };
  field: { track: string };
  errors: Record<'fulfilmentRequired' | 'houseRequired' | 'trackInvalid', string>;
}

/** What a user of that language reads (the tests find buttons and statuses by their words). */
function texts(lang: string): Texts {
  return JSON.parse(fs.readFileSync(path.join('locales', lang, 'goods.json'), 'utf8')) as Texts;
}

/** A step on an order card: its button opens the signing dialog at once; signed with the person's RSA key. */
async function signedStep(p: PortalPage, _t: Texts, button: string, personKey: string): Promise<void> {
  await p.sign(button, personKey);
}

async function orderIdFromUrl(p: PortalPage): Promise<number> {
  const m = /\/goods\/orders\/(\d+)$/.exec(new URL(p.page.url()).pathname);
  if (!m) throw new Error(`not on an order card: ${p.page.url()}`);
  return Number(m[1]);
}

/** The supplier opens the order from «Заказы товаров» by its number. */
async function openSupplierOrder(s: PortalPage, t: Texts, number: string): Promise<void> {
  await follow(s, t.supplier.toOrders);
  await follow(s, number);
  expect(new URL(s.page.url()).pathname).toMatch(/^\/supplier\/orders\/\d+$/);
}

/** Chooses the interface language the way the switch does (its cookie), without loading the heavy start page. */
async function useLanguage(p: PortalPage, lang: string): Promise<void> {
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
}

async function orderNumber(id: number): Promise<string> {
  return ((await stand.ctx.db('orders').where({ id }).first('number')) as { number: string }).number;
}

describe('ТСР goods in the browser: recipient and supplier, every page checked by axe', () => {
  it('stationary point with an accompanying service (ru): from «Помощь для вас» to «Успешно выдан в стационаре»', async () => {
    const t = texts('ru');
    const r = await stand.open();
    const s = await stand.open();
    try {
      await r.loginAs('r01');
      await r.goto('/help');
      await follow(r, named(t.kinds.choose, 'Протез голени'));
      expect(new URL(r.page.url()).pathname).toBe('/goods/TSR_PROSTHESIS');
      const offers = await r.text();
      expect(offers).toContain('Протез голени модульный «Ортомед-М2»');
      expect(offers).toMatch(/70\s000,00 ₸/); // 520 000 ₸ against a guaranteed 450 000 ₸
      await follow(r, named(t.offers.order, 'Протез голени модульный «Ортомед-М2»'));

      // the creation window: nothing chosen → the error summary, announced and linked to the field
      await press(r, t.create.submit, 'errors');
      expect(await r.page.locator('.govuk-error-summary').innerText()).toContain(t.errors.fulfilmentRequired);
      await r.page.getByLabel(t.fulfilment.stationary, { exact: true }).check();
      await r.page.getByLabel(t.create.stationaryPoint).selectOption({ index: 1 });
      await r.sign(t.create.submit, 'r01');
      const orderId = await orderIdFromUrl(r);
      expect(await r.text()).toContain(t.status.created);

      await signedStep(r, t, t.action.confirm, 'r01');
      expect(await r.text()).toContain(t.status.awaiting_supplier);
      const number = await orderNumber(orderId);

      await s.loginAs('e05');
      expect(new URL(s.page.url()).pathname).toBe('/supplier');
      await follow(s, t.supplier.toCatalogue);
      await follow(s, 'Протез голени модульный «Ортомед-М2»');
      await s.goto('/supplier/locations');
      await s.goto('/supplier');
      await openSupplierOrder(s, t, number);
      await signedStep(s, t, t.action.reserve, 'e05');
      expect(await s.text()).toContain(t.status.reserved);
      await signedStep(s, t, t.action.make_available_stationary, 'e05');
      expect(await s.text()).toContain(t.status.available_stationary);
      await signedStep(s, t, t.action.issue_stationary, 'e05');
      expect(await s.text()).toContain(t.status.issued_stationary);

      await r.goto(`/goods/orders/${orderId}`);
      const card = await r.text();
      expect(card).toContain(t.status.issued_stationary);
      expect(card).toContain(t.status.reserved);
      expect(card).toMatch(/Дата и время выдачи\s+\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/);
      await r.goto('/cabinet/goods');
      expect(await r.text()).toContain(number);
    } finally {
      await r.close();
      await s.close();
    }
  });

  it('pickup from a warehouse (recipient in kk, supplier in en): «Самовывоз» to the issue at the warehouse', async () => {
    const kk = texts('kk');
    const en = texts('en');
    const r = await stand.open({ lang: 'kk' });
    const s = await stand.open({ lang: 'en' });
    try {
      await useLanguage(r, 'kk');
      await r.loginAs('r09');
      await r.goto('/goods');
      expect(await r.page.locator('h1').innerText()).toBe(kk.title);
      await follow(r, named(kk.kinds.choose, 'Тактильді таяқ'));
      await follow(r, named(kk.offers.order, 'Трость тактильная «Ambutech» 130 см'));
      await r.page.getByLabel(kk.fulfilment.pickup, { exact: true }).check();
      await r.page.getByLabel(kk.create.warehouse).selectOption({ index: 1 });
      await r.sign(kk.create.submit, 'r09');
      const orderId = await orderIdFromUrl(r);
      expect(await r.text()).toContain(kk.status.created);
      await signedStep(r, kk, kk.action.confirm, 'r09');
      expect(await r.text()).toContain(kk.status.awaiting_supplier);
      const number = await orderNumber(orderId);

      await useLanguage(s, 'en');
      await s.loginAs('e06');
      await openSupplierOrder(s, en, number);
      await signedStep(s, en, en.action.reserve, 'e06');
      await signedStep(s, en, en.action.make_available_pickup, 'e06');
      expect(await s.text()).toContain(en.status.available_pickup);

      await r.goto(`/goods/orders/${orderId}`);
      expect(await r.text()).toContain(kk.status.available_pickup);

      await signedStep(s, en, en.action.issue_pickup, 'e06');
      expect(await s.text()).toContain(en.status.issued_pickup);
      await r.goto(`/goods/orders/${orderId}`);
      expect(await r.text()).toContain(kk.status.issued_pickup);
    } finally {
      await r.close();
      await s.close();
    }
  });

  it('courier delivery with a KazPost track number (ru): «Отследить доставку», then «Успешно доставлен курьером»', async () => {
    const t = texts('ru');
    const r = await stand.open();
    const s = await stand.open();
    try {
      await r.loginAs('r15');
      await r.goto('/goods/TSR_WHEELCHAIR');
      await follow(r, named(t.offers.order, 'Кресло-коляска комнатная «Армед H 035»'));
      await r.page.getByLabel(t.fulfilment.courier, { exact: true }).check();
      // the address comes prefilled from the registry; the recipient corrects the flat
      expect(await r.page.getByLabel(t.create.street).inputValue()).toBe('ул. Ермекова');
      await r.page.getByLabel(t.create.house).fill('');
      await press(r, t.create.submit, 'errors');
      expect(await r.page.locator('.govuk-error-summary').innerText()).toContain(t.errors.houseRequired);
      await r.page.getByLabel(t.create.house).fill('30');
      await r.sign(t.create.submit, 'r15');
      const orderId = await orderIdFromUrl(r);
      await signedStep(r, t, t.action.confirm, 'r15');
      const number = await orderNumber(orderId);

      await s.loginAs('e07');
      await openSupplierOrder(s, t, number);
      await signedStep(s, t, t.action.reserve, 'e07');
      await s.page.getByLabel(t.field.track).fill('RR123456789KZ');
      await press(s, t.action.hand_to_courier, 'bad track');
      expect(await s.page.locator('.govuk-error-summary').innerText()).toContain(t.errors.trackInvalid);
      await s.page.getByLabel(t.field.track).fill('RR123456785KZ');
      await signedStep(s, t, t.action.hand_to_courier, 'e07');
      expect(await s.text()).toContain(t.status.with_courier);

      await r.goto(`/goods/orders/${orderId}`);
      expect(await r.text()).toContain(t.status.with_courier);
      const track = r.page.getByRole('link', { name: starts(t.order.trackDelivery) });
      expect(await track.getAttribute('href')).toBe(
        stand.ctx.services.integrations.kazpost.trackingUrl('RR123456785KZ'),
      );

      await signedStep(s, t, t.action.deliver, 'e07');
      await r.goto(`/goods/orders/${orderId}`);
      expect(await r.text()).toContain(t.status.delivered_courier);
      const measure = (await stand.ctx
        .db('orders as o')
        .join('ipr_measures as m', 'm.id', 'o.measure_id')
        .where('o.id', orderId)
        .first('m.used_volume')) as {
        used_volume: number;
      };
      expect(measure.used_volume).toBe(1);
    } finally {
      await r.close();
      await s.close();
    }
  });

  it('the administrator’s registries of ТСР kinds and suppliers (en)', async () => {
    const a = await stand.open({ lang: 'en' });
    try {
      await useLanguage(a, 'en');
      await a.loginAs('a01');
      await a.goto('/admin/tsr-kinds');
      await follow(a, named('Change', 'Indoor wheelchair'));
      await a.goto('/admin/suppliers');
      expect(await a.text()).toContain('ТОО «Ортомед Астана»');
    } finally {
      await a.close();
    }
  });
});
