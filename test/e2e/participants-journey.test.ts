/**
 * Issue 16's browser journey, one story across the three languages, every page checked by axe: a new
 * legal entity (ТОО «Жебе Ортопедия», main ОКЭД 47.74.1) registers (ru), the administrator approves
 * it (kk), its head adds an employee (en), the employee publishes a ТСР article with a certificate
 * (ru), a recipient finds it under «Помощь для вас», sees the certificate and orders it (kk), the
 * order reaches the organisation (ru); a new individual entrepreneur registers (en) and is approved.
 */
import { describe, expect, it } from 'vitest';
import {
  exact,
  follow,
  localeTexts,
  named,
  press,
  starts,
  useBrowserStand,
  type PortalPage,
} from '../support/browser.js';
import { organisationByKey, personByKey } from '../../src/devstand/people.js';

const stand = useBrowserStand();

/** A small real PDF: the portal reads the type from the content. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

const ARTICLE = 'Протез голени «Жебе Модуль-3»';
const CERTIFICATE = 'KZ.7500123.07.01.00991';
const WAREHOUSE = 'Склад «Жебе Ортопедия» на Бейбітшілік';

/** Opens a browser context in that language (the switch's cookie). */
async function openIn(lang: string): Promise<PortalPage> {
  const p = await stand.open({ lang });
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
  return p;
}

/** The administrator opens the latest application of the БИН/ИИН from the list and approves it, signed. */
async function approve(lang: string, bin: string): Promise<void> {
  const t = localeTexts(lang, 'participants');
  const a = await openIn(lang);
  try {
    await a.loginAs('a01');
    await a.goto('/admin/supplier-applications');
    const { id } = (await stand.ctx
      .db('supplier_applications')
      .where({ bin })
      .orderBy('id', 'desc')
      .first('id')) as { id: number };
    await follow(a, new RegExp(`№ ${id}\\b`));
    await a.sign(t('decision.approve.button'), 'a01');
    await a.page.locator('#application-status', { hasText: t('status.approved') }).waitFor();
  } finally {
    await a.close();
  }
}

/** A registrant signs the identification on /registration, then the application; it is «на рассмотрении». */
async function register(p: PortalPage, lang: string, button: string, who: string, name: string) {
  const t = localeTexts(lang, 'participants');
  await p.goto('/');
  await follow(p, t('home.link'));
  expect(new URL(p.page.url()).pathname).toBe('/registration');
  await p.sign(t(button), who, 'AUTH');
  expect(new URL(p.page.url()).pathname).toBe('/registration/application');
  expect(await p.text()).toContain(name);
  await p.sign(t('application.submit'), who, 'SIGN');
  await p.page.locator('#application-status', { hasText: t('status.submitted') }).waitFor();
}

describe('participants join for real: one journey in ru, kk and en, every page checked by axe', () => {
  it('a legal entity registers, is approved, adds an employee, publishes an article with a document, a recipient orders it; an entrepreneur registers', async () => {
    const org = organisationByKey('new-ortho');
    const employee = personByKey('e10');

    // ---- ru: the head registers the organisation from the start page
    const h = await openIn('ru');
    try {
      await register(h, 'ru', 'register.legal.button', 'h04', 'ТОО «Жебе Ортопедия»');
    } finally {
      await h.close();
    }

    // ---- kk: the administrator approves
    await approve('kk', org.bin);
    const { id: orgId, directions } = (await stand.ctx
      .db('organisations')
      .where({ bin: org.bin })
      .first('id', 'directions')) as { id: number; directions: string[] };
    expect(directions).toEqual(['tsr_sales']);

    // ---- en: the head logs in with the legal-entity key and adds the employee, signed
    const en = localeTexts('en');
    const head = await openIn('en');
    try {
      await head.loginAs('h04');
      await head.goto('/organisation/staff');
      expect(await head.text()).toContain(en('staff:title'));
      await head.page.getByLabel(en('staff:field.iin')).fill(employee.iin);
      await head.page.getByLabel(en('staff:role.employeeSupplier')).check();
      await head.page.getByRole('button', { name: en('staff:add.button') }).click();
      await head.signInDialog('h04', 'SIGN');
      const staff = await head.text();
      expect(staff).toContain(en('staff:flash.added'));
      expect(staff).toContain('ТЛЕУОВ НУРБОЛ МАРАТОВИЧ');
    } finally {
      await head.close();
    }

    // ---- ru: the employee logs in and publishes an article with its stock and its certificate
    const ru = localeTexts('ru');
    const e = await openIn('ru');
    const r = await openIn('kk');
    try {
      await e.loginAs('e10');
      expect(new URL(e.page.url()).pathname).toBe('/supplier');

      await follow(e, exact(ru('goods:supplier.toLocations')));
      await e.page.getByLabel(ru('goods:locations.kinds.warehouse'), { exact: true }).check();
      await e.page.getByLabel(ru('goods:locations.name'), { exact: true }).fill(WAREHOUSE);
      await e.page.getByLabel(ru('goods:create.region')).selectOption('г. Астана');
      await e.page.getByLabel(ru('goods:create.locality')).fill('г. Астана');
      await e.page.getByLabel(ru('goods:locations.streetHouse')).fill('ул. Бейбітшілік, 25');
      await press(e, exact(ru('goods:locations.addButton')), 'location added');
      expect(await e.text()).toContain(WAREHOUSE);

      await e.goto('/supplier');
      await follow(e, exact(ru('goods:supplier.toCatalogue')));
      await follow(e, exact(ru('goods:catalogue.add')));
      await e.page.getByLabel(ru('goods:field.kind')).selectOption('TSR_PROSTHESIS');
      await e.page.getByLabel(ru('goods:catalogue.name')).fill(ARTICLE);
      await e.page
        .getByLabel(ru('goods:field.characteristics'))
        .fill('Модульный протез голени, гильза из углепластика, стопа с энергосбережением');
      await e.page.getByLabel(ru('goods:catalogue.price')).fill('480000');
      await e.page.getByLabel(ru('goods:fulfilment.pickup'), { exact: true }).check();
      await e.page.getByLabel('г. Астана', { exact: true }).check();
      await press(e, exact(ru('goods:catalogue.create')), 'created');
      expect(new URL(e.page.url()).pathname).toMatch(/^\/supplier\/goods\/\d+$/);
      await e.page.getByLabel(ru('goods:catalogue.quantityAt').replace('{{name}}', WAREHOUSE)).fill('3');
      await press(e, exact(ru('goods:catalogue.saveStock')), 'stock saved');
      expect(await e.text()).toContain(ru('goods:flash.stockSaved'));

      await e.goto('/supplier');
      await follow(e, exact(ru('offer:cabinet.toDocuments')));
      await e.page.getByLabel(ru('offer:doc.type')).selectOption('certificate');
      await e.page.getByLabel(ru('offer:doc.title')).fill('Сертификат соответствия на протезы голени');
      await e.page.getByLabel(ru('offer:doc.number')).fill(CERTIFICATE);
      await e.page.getByLabel(ru('offer:doc.validFrom')).fill('2026-01-15');
      await e.page.getByLabel(ru('offer:doc.validUntilLabel')).fill('2029-01-14');
      await e.page.getByLabel(ru('offer:doc.goods')).selectOption({ label: ARTICLE });
      await e.page
        .getByLabel(ru('offer:doc.file'))
        .setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: PDF });
      await press(e, exact(ru('offer:documents.upload')), 'uploaded');
      const documents = await e.text();
      expect(documents).toContain(CERTIFICATE);
      expect(documents).toContain(ru('offer:doc.forGoods').replace('{{name}}', ARTICLE));

      // ---- kk: a recipient in Astana chooses the article from «Помощь для вас», sees the certificate, orders and signs
      const kk = localeTexts('kk');
      await r.loginAs('r04');
      await r.goto('/help');
      const { name_kk: kindName } = (await stand.ctx
        .db('help_types')
        .where({ code: 'TSR_PROSTHESIS' })
        .first('name_kk')) as { name_kk: string };
      await follow(r, named(kk('entitlements:help.choose'), kindName));
      expect(new URL(r.page.url()).pathname).toBe('/goods/TSR_PROSTHESIS');
      const offers = await r.text();
      expect(offers).toContain(ARTICLE);
      expect(offers).toContain(CERTIFICATE);
      const certificate = r.page.getByRole('link', {
        name: starts(`${kk('offer:docType.certificate')} № ${CERTIFICATE}`),
      });
      const href = (await certificate.getAttribute('href'))!;
      expect(href).toMatch(new RegExp(`^/organisations/${orgId}/documents/\\d+$`));
      const file = await r.page.request.get(stand.baseUrl + href);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-type']).toBe('application/pdf');

      await follow(r, named(kk('goods:offers.order'), ARTICLE));
      await r.page.getByLabel(kk('goods:fulfilment.pickup'), { exact: true }).check();
      await r.page.getByLabel(kk('goods:create.warehouse')).selectOption({ index: 1 });
      await r.sign(kk('goods:create.submit'), 'r04');
      const orderId = Number(/\/goods\/orders\/(\d+)$/.exec(new URL(r.page.url()).pathname)?.[1]);
      expect(orderId).toBeGreaterThan(0);
      await r.sign(kk('goods:action.confirm'), 'r04');
      expect(await r.text()).toContain(kk('goods:status.awaiting_supplier'));

      // the order is the new organisation's, for its article at its warehouse
      const order = (await stand.ctx
        .db('orders as o')
        .join('goods_orders as g', 'g.order_id', 'o.id')
        .join('goods_locations as l', 'l.id', 'g.location_id')
        .where('o.id', orderId)
        .first('o.number', 'o.status', 'o.organisation_id', 'g.fulfilment', 'l.name as location')) as {
        number: string;
        status: string;
        organisation_id: number;
        fulfilment: string;
        location: string;
      };
      expect(order).toMatchObject({
        status: 'awaiting_supplier',
        organisation_id: orgId,
        fulfilment: 'pickup',
        location: WAREHOUSE,
      });

      // ---- ru: the employee finds it under «Заказы товаров»
      await e.goto('/supplier');
      await follow(e, exact(ru('goods:supplier.toOrders')));
      expect(await e.text()).toContain(order.number);
      await follow(e, order.number);
      const card = await e.text();
      expect(card).toContain(ARTICLE);
      expect(card).toContain(ru('goods:status.awaiting_supplier'));
    } finally {
      await e.close();
      await r.close();
    }

    // ---- en: a new individual entrepreneur registers with the personal key and, approved, reaches the cabinet
    const ip = personByKey('ip01');
    const p = await openIn('en');
    try {
      await register(p, 'en', 'register.entrepreneur.button', 'ip01', 'ИП «Ортопедия Плюс»');
    } finally {
      await p.close();
    }
    await approve('en', ip.iin);
    const me = await openIn('en');
    try {
      await me.loginAs('ip01');
      await me.goto('/supplier');
      const cabinet = await me.text();
      expect(cabinet).toContain('ИП «Ортопедия Плюс»');
      expect(cabinet).toContain(en('goods:supplier.toCatalogue'));
    } finally {
      await me.close();
    }
  });
});
