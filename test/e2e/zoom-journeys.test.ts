/**
 * Main flows of the roles the other journeys leave out, at 200 % zoom (640 px), where every page must
 * pass axe, reflow without horizontal scrolling and have targets of at least 24×24 px:
 * - a guardian logs in with her own key, acts for the ward, orders a ТСР and signs with her own key;
 * - МСУ staff mark a recipient's arrival and another's no-show, each signed with the employee's key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exact, follow, localeTexts, named, press, useBrowserStand } from '../support/browser.js';
import { ZoomPage } from '../support/a11y.js';
import { personIdOf } from '../support/http.js';
import { personByKey } from '../../src/devstand/people.js';

const stand = useBrowserStand();

async function latestMsuOrder(personKey: string) {
  return (await stand.ctx
    .db('orders')
    .where({ recipient_id: await personIdOf(stand.ctx, personKey), kind: 'msu' })
    .orderBy('id', 'desc')
    .first('id', 'number', 'status')) as { id: number; number: string; status: string };
}

interface GoodsTexts {
  kinds: { choose: string };
  offers: { order: string };
  create: { submit: string; stationaryPoint: string };
  fulfilment: { stationary: string };
  status: { created: string; awaiting_supplier: string };
  action: { confirm: string };
  sign: { button: string };
}
const goods = JSON.parse(fs.readFileSync(path.join('locales', 'ru', 'goods.json'), 'utf8')) as GoodsTexts;
const common = JSON.parse(fs.readFileSync(path.join('locales', 'ru', 'common.json'), 'utf8')) as {
  nav: { goodsOrders: string };
  changePrincipal: string;
  continue: string;
};

describe('a guardian acting for the ward, at 640 px', () => {
  it('g02 for ЖАКУПОВ ЕРЖАН: orders a prosthesis, signs with her own key; the order is the ward’s, not hers', async () => {
    const g = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
    try {
      await g.loginAs('g02', { actForName: /ЖАКУПОВ ЕРЖАН/ });
      const acting = g.page.locator('.portal-acting');
      expect(await acting.innerText()).toContain('ЖАКУПОВ ЕРЖАН');

      await g.goto('/help');
      await follow(g, named(goods.kinds.choose, 'Протез голени'));
      await follow(g, named(goods.offers.order, 'Протез голени модульный «Ортомед-М2»'));
      await g.page.getByLabel(goods.fulfilment.stationary, { exact: true }).check();
      await g.page.getByLabel(goods.create.stationaryPoint).selectOption({ index: 1 });
      await g.sign(goods.create.submit, 'g02');
      expect(await g.text()).toContain(goods.status.created);
      const orderId = Number(/\/goods\/orders\/(\d+)$/.exec(new URL(g.page.url()).pathname)?.[1]);
      await g.sign(goods.action.confirm, 'g02');
      expect(await g.text()).toContain(goods.status.awaiting_supplier);

      // the order is the ward's; both signatures are the guardian's, made on the ward's behalf
      const order = (await stand.ctx.db('orders').where({ id: orderId }).first('recipient_id', 'number')) as {
        recipient_id: number;
        number: string;
      };
      expect(order.recipient_id).toBe(await personIdOf(stand.ctx, 'r07'));
      const signatures = (await stand.ctx
        .db('signed_documents')
        .where({ principal_id: order.recipient_id })
        .whereIn('object_type', ['goods', 'goods-order'])
        .select('signer_iin')) as { signer_iin: string }[];
      expect(signatures.map((s) => s.signer_iin)).toEqual([personByKey('g02').iin, personByKey('g02').iin]);

      // in the ward's «Заказы товаров» …
      await follow(g, exact(common.nav.goodsOrders));
      expect(await g.text()).toContain(order.number);
      // … and not in her own, once she works on her own behalf again
      await follow(g, exact(common.changePrincipal));
      await g.page.locator('#principal-self').check();
      await press(g, exact(common.continue));
      expect(await g.page.locator('.portal-acting').count()).toBe(0);
      await g.goto('/cabinet/goods');
      expect(await g.text()).not.toContain(order.number);
    } finally {
      await g.close();
    }
  });
});

describe('МСУ staff at 640 px', () => {
  it('e01 (kk) marks the arrival of a recipient who enrolled; e04 (en) marks a no-show after the deadline', async () => {
    const ru = localeTexts('ru', 'msu');
    const kk = localeTexts('kk', 'msu');
    const en = localeTexts('en', 'msu');
    const r = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
    const e = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir, { lang: 'kk' });
    const t = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir, { lang: 'en' });
    try {
      await r.loginAs('r01');
      await r.goto('/msu?profile=general&region=' + encodeURIComponent('г. Астана'));
      await press(r, named(ru('button.enrol'), 'Отделение общего типа'));
      await r.sign(exact(ru('button.confirm')), 'r01');
      expect(await r.text()).toContain(ru('status.awaiting_arrival'));
      const enrolled = await latestMsuOrder('r01');

      await e.loginAs('e01');
      await e.goto('/institution');
      await follow(e, exact(`№ ${enrolled.number}`));
      await press(e, exact(kk('button.arrived')));
      await e.sign(exact(kk('button.sign')), 'e01');
      expect(await e.text()).toContain(kk('status.enrolled'));
      await r.goto(`/msu/orders/${enrolled.id}`);
      expect(await r.text()).toContain(ru('status.enrolled'));

      // the ward of g04 in Temirtau did not arrive by the deadline
      const ward = await latestMsuOrder('r16');
      await t.loginAs('e04');
      await t.goto('/institution');
      await follow(t, exact(`№ ${ward.number}`));
      await press(t, exact(en('button.noShow')));
      await t.sign(exact(en('button.sign')), 'e04');
      expect(await t.text()).toContain(en('status.no_show'));
      expect((await latestMsuOrder('r16')).status).toBe('no_show');
    } finally {
      await r.close();
      await e.close();
      await t.close();
    }
  });
});
