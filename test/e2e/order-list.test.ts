import { describe, expect, it } from 'vitest';
import { exact, localeTexts, press, useBrowserStand, type PortalPage } from '../support/browser.js';
import { signAs } from '../support/http.js';
import { actorOf, orderInProgress, specialistEntryId } from '../integration/specialist-services/helpers.js';

const stand = useBrowserStand();

async function numberOf(orderId: number): Promise<string> {
  return ((await stand.ctx.db('orders').where({ id: orderId }).first('number')) as { number: string }).number;
}

async function statusOf(orderId: number): Promise<string> {
  return ((await stand.ctx.db('orders').where({ id: orderId }).first('status')) as { status: string }).status;
}

/** A УЖЯ order sent to the specialist with the signed «Заявление на возмещение», not yet confirmed. */
async function orderAwaitingSpecialist(recipientKey: string, specialistKey: string): Promise<number> {
  const area = stand.ctx.services.specialistServices;
  const recipient = await actorOf(stand.ctx, recipientKey, ['recipient']);
  const sid = await specialistEntryId(stand.ctx, specialistKey, 'UZHYA');
  const created = await area.orders.issueCreate(recipient, 'UZHYA', sid, {
    phone: '+77015550000',
    address: 'г. Астана, ул. Бейбітшілік, 12',
    comment: '',
  });
  const order = await area.orders.create(recipient, 'UZHYA', sid, {
    signRequestId: created.signRequest.id,
    signedXml: signAs(stand.ctx, recipientKey, 'SIGN', created.signRequest.xml),
  });
  const confirm = await area.orders.issueAction(recipient, order.id, 'confirm');
  await area.orders.applyAction(recipient, order.id, 'confirm', {
    signRequestId: confirm.signRequest.id,
    signedXml: signAs(stand.ctx, recipientKey, 'SIGN', confirm.signRequest.xml),
  });
  return order.id;
}

/** The row of an order in the list (its number is the row's header). */
function rowOf(p: PortalPage, number: string) {
  return p.page
    .locator('#orders-table tbody tr')
    .filter({ has: p.page.getByRole('rowheader', { name: number }) });
}

/** An action of a row by its words (a link shown as a button); its accessible name also names the order. */
function actionIn(p: PortalPage, label: string, number: string) {
  const name = new RegExp(`^${label}\\s*\\(.*${number.replace(/-/g, '\\-')}\\)$`);
  return rowOf(p, number).getByRole('button', { name });
}

describe('«Заказанные услуги» in the browser: actions from the list, every page checked by axe', () => {
  it('the recipient cancels one order and refuses another from the list (ru), then reads the reason', async () => {
    const t = localeTexts('ru');
    const cancelId = await orderAwaitingSpecialist('r01', 's01');
    const refuseId = await orderInProgress(stand.ctx, 'r01', 's04', 'UIP');
    const [cancelNo, refuseNo] = [await numberOf(cancelId), await numberOf(refuseId)];
    const r = await stand.open();
    try {
      await r.loginAs('r01');
      await r.goto('/cabinet/services');
      expect(await r.page.locator('h1').innerText()).toBe(t('orderlist:title.services'));
      expect(await r.page.locator('#orders-table caption').innerText()).toMatch(/^Заказы: найдено \d+$/);
      await expect(rowOf(r, refuseNo).innerText()).resolves.toContain(t('services:status.in_progress'));

      // «Отменить»: the kind's reason page, its «Подтвердить» opens the signing at once
      await Promise.all([
        r.page.waitForNavigation({ waitUntil: 'load' }),
        actionIn(r, t('orderlist:action.cancel'), cancelNo).click(),
      ]);
      await r.checkA11y();
      expect(new URL(r.page.url()).pathname).toBe(`/services/orders/${cancelId}/cancel`);
      await r.page.getByLabel(t('services:reasons.changedMind'), { exact: true }).check();
      await r.sign(exact(t('services:button.confirm')), 'r01');
      expect(new URL(r.page.url()).pathname).toBe(`/services/orders/${cancelId}`);
      expect(await statusOf(cancelId)).toBe('cancelled_by_recipient');

      // «Отказаться» from the list likewise
      await r.goto('/cabinet/services');
      await Promise.all([
        r.page.waitForNavigation({ waitUntil: 'load' }),
        actionIn(r, t('orderlist:action.refuse'), refuseNo).click(),
      ]);
      await r.checkA11y();
      await r.page.getByLabel(t('services:reasons.quality'), { exact: true }).check();
      await r.page.getByLabel(t('services:field.reasonComment')).fill('Опаздывает на каждое занятие');
      await r.sign(exact(t('services:button.confirm')), 'r01');
      expect(await statusOf(refuseId)).toBe('cancelled_by_recipient');

      // the list: both ended by the recipient, no actions left, «Просмотреть причины» opens the reasons
      await r.goto('/cabinet/services?type=specialist');
      for (const n of [cancelNo, refuseNo]) {
        const row = rowOf(r, n);
        await expect(row.innerText()).resolves.toContain(t('services:status.cancelled_by_recipient'));
        expect(await row.locator('.govuk-button').count()).toBe(0); // no actions left
      }
      const reasons = rowOf(r, refuseNo).locator('details summary');
      await reasons.click();
      await expect(rowOf(r, refuseNo).locator('details').getAttribute('open')).resolves.not.toBeNull();
      await expect(rowOf(r, refuseNo).locator('details').innerText()).resolves.toContain(
        `${t('services:reasons.quality')} — Опаздывает на каждое занятие`,
      );
      await r.checkA11y('reasons-open');

      // the filter by status, as a GET form
      await r.page.locator('#status').selectOption('cancelled_by_recipient');
      await press(r, exact(t('orderlist:filter.apply')));
      expect(new URL(r.page.url()).searchParams.get('status')).toBe('cancelled_by_recipient');
      expect(await r.page.locator('#orders-table tbody tr').count()).toBe(2);
    } finally {
      await r.close();
    }
  });

  for (const lang of ['kk', 'en'] as const) {
    it(`reads in ${lang} with zero axe violations, the queue's action named in that language`, async () => {
      const t = localeTexts(lang);
      const r = await stand.open({ lang });
      try {
        await r.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
        // r03 waits in an МСУ queue (the dev stand's demo data)
        await r.loginAs('r03');
        await r.goto('/cabinet/services');
        expect(await r.page.locator('h1').innerText()).toBe(t('orderlist:title.services'));
        const row = r.page.locator('#orders-table tbody tr').first();
        await expect(row.innerText()).resolves.toContain(t('msu:status.queued'));
        await expect(
          row.getByRole('button', { name: new RegExp(`^${t('orderlist:action.cancelQueue')}`) }).count(),
        ).resolves.toBe(1);
        await r.goto('/cabinet/goods');
        expect(await r.page.locator('h1').innerText()).toBe(t('orderlist:title.goods'));
      } finally {
        await r.close();
      }
    });
  }
});
