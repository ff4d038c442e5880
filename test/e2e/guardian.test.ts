/**
 * A guardian orders for the ward: logs in with the guardian's own key, chooses to act for the ward,
 * orders a ТСР the ward is entitled to and signs with the guardian's own key. At 200 % zoom (640 px):
 * every page passes axe, reflows without horizontal scrolling and has targets of at least 24×24 px.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exact, follow, named, press, useBrowserStand } from '../support/browser.js';
import { ZoomPage } from '../support/a11y.js';
import { personIdOf } from '../support/http.js';
import { personByKey } from '../../src/devstand/people.js';

const stand = useBrowserStand();

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
      await press(g, goods.create.submit);
      await g.sign(exact(goods.sign.button), 'g02');
      expect(await g.text()).toContain(goods.status.created);
      const orderId = Number(/\/goods\/orders\/(\d+)$/.exec(new URL(g.page.url()).pathname)?.[1]);
      await press(g, goods.action.confirm);
      await g.sign(exact(goods.sign.button), 'g02');
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
