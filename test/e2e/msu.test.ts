import { describe, expect, it } from 'vitest';
import { exact, follow, localeTexts, named, press, useBrowserStand } from '../support/browser.js';
import { personIdOf } from '../support/http.js';

const stand = useBrowserStand();
/** What a user of that language reads: the test finds buttons and statuses by their words. */
const texts = (lang: string) => localeTexts(lang, 'msu');

async function orderOf(key: string) {
  return (await stand.ctx
    .db('orders')
    .where({ recipient_id: await personIdOf(stand.ctx, key), kind: 'msu' })
    .orderBy('id', 'desc')
    .first()) as {
    id: number;
    number: string;
    status: string;
  };
}

describe('МСУ in the stand.browser, every page checked by axe', () => {
  it('ru: «Записаться» → what to bring → «Подтвердить» (signed) → «Ожидание прибытия получателя»; the referral is public', async () => {
    const t = texts('ru');
    const r = await stand.open();
    try {
      await r.goto('/msu');
      await r.loginAs('r01');
      await r.goto('/msu?profile=general&region=' + encodeURIComponent('г. Астана'));
      await press(r, named(t('button.enrol'), 'Отделение общего типа'));
      expect(new URL(r.page.url()).pathname).toMatch(/^\/msu\/departments\/\d+\/enrol$/);
      expect(await r.text()).toContain(t('enrol.bring'));
      await r.sign(exact(t('button.confirm')), 'r01');
      expect(new URL(r.page.url()).pathname).toMatch(/^\/msu\/orders\/\d+$/);
      expect(await r.text()).toContain(t('status.awaiting_arrival'));
      await r.goto('/msu/orders');
      await r.goto('/open-data/referrals');
      expect(await r.text()).toContain('Т*** Т. Т.');
    } finally {
      await r.close();
    }
  });

  it('kk: «Кезекке тұру» (signed) with a position, then «Кезек күтуден бас тарту» with a reason and a signature', async () => {
    const t = texts('kk');
    const r = await stand.open({ lang: 'kk' });
    try {
      await r.goto('/?lang=kk');
      await r.loginAs('r20');
      await r.goto('/msu?profile=mercy');
      await press(r, named(t('button.queue'), 'Мейірімділік бөлімшесі'));
      expect(await r.text()).toContain(t('queue.howTitle'));
      await r.sign(exact(t('button.queue')), 'r20');
      expect(await r.text()).toContain(t('status.queued'));
      expect(await r.page.locator('#queue-position').innerText()).toBe('4');

      await press(r, exact(t('button.cancelQueue')));
      await r.page.getByLabel(t('reasonForm.label')).fill('Туыстарымның қасына көшемін');
      // the refusal's page signs: «Қол қою» opens the dialog at once
      await r.sign(exact(t('button.sign')), 'r20');
      const card = await r.text();
      expect(card).toContain(t('status.queue_cancelled'));
      expect(card).toContain('Туыстарымның қасына көшемін');
    } finally {
      await r.close();
    }
  });

  it('en + ru: a discharge releases a bed, offered to the first in the queue, who accepts it; the protocol shows it', async () => {
    const en = texts('en');
    const ru = texts('ru');
    const e = await stand.open({ lang: 'en' });
    const r = await stand.open();
    try {
      await e.goto('/?lang=en');
      await e.loginAs('e01');
      await e.goto('/institution');
      const r10 = await orderOf('r10');
      await follow(e, exact(`№ ${r10.number}`));
      await press(e, exact(en('button.discharge')));
      await e.page.getByLabel(en('reasonForm.label')).fill('Moves in with her daughter');
      await e.sign(exact(en('button.sign')), 'e01');
      expect(await e.text()).toContain(en('status.discharged'));
      expect((await orderOf('r03')).status).toBe('place_offered');

      await r.loginAs('r03');
      const r03 = await orderOf('r03');
      await r.goto(`/msu/orders/${r03.id}`);
      expect(await r.text()).toContain(ru('offer.bannerTitle'));
      await press(r, exact(ru('button.accept')));
      await r.sign(exact(ru('button.confirm')), 'r03');
      expect(await r.text()).toContain(ru('status.awaiting_arrival'));

      await e.goto('/open-data/releases');
      const protocol = await e.text();
      expect(protocol).toContain(en('outcome.accepted'));
      expect(protocol).toContain(en('cause.discharge'));
      await e.goto('/queue-check');
      const r05 = await orderOf('r05');
      await e.page.getByLabel(en('queueCheck.number')).fill(r05.number);
      await e.page.getByLabel(en('queueCheck.day')).fill('09');
      await e.page.getByLabel(en('queueCheck.month')).fill('01');
      await e.page.getByLabel(en('queueCheck.year')).fill('1953');
      await press(e, exact(en('queueCheck.submit')), 'result');
      expect(await e.page.locator('#check-position').innerText()).toBe('1 of 2');
    } finally {
      await e.close();
      await r.close();
    }
  });

  it('the other МСУ pages pass axe too: admin registry, bed counts with errors, a full department, open data', async () => {
    const ru = texts('ru');
    const a = await stand.open();
    const e = await stand.open({ lang: 'kk' });
    try {
      await a.loginAs('a01');
      await a.goto('/admin/msu');
      const inst = (await stand.ctx.db('msu_institutions').orderBy('id').first('id')) as { id: number };
      await a.goto(`/admin/msu/institutions/${inst.id}`);
      await a.goto(`/admin/msu/institutions/${inst.id}/departments/new`);
      await press(a, exact('Сохранить'), 'errors');
      expect(await a.page.locator('.govuk-error-summary').innerText()).toContain(ru('errors.nameRequired'));
      await a.goto('/open-data');

      await e.goto('/?lang=kk');
      await e.loginAs('e01');
      const mercy = (await stand.ctx
        .db('msu_departments')
        .whereRaw(`name->>'ru' = ?`, ['Отделение милосердия'])
        .first('id')) as { id: number };
      await e.goto(`/institution/departments/${mercy.id}/beds`);
      await e.page.getByLabel(texts('kk')('beds.total')).fill('1');
      await e.page.getByLabel(texts('kk')('beds.reason')).fill('Жөндеу');
      // the bed counts are signed from this page: a form error comes back before any signing
      await press(e, exact(texts('kk')('button.sign')), 'errors');
      expect(await e.page.locator('.govuk-error-summary').innerText()).toContain(
        texts('kk')('errors.bedsBelowOccupied'),
      );

      const r = await stand.open();
      try {
        await r.loginAs('r08');
        await r.page.goto(`${stand.baseUrl}/msu/departments/${mercy.id}/enrol`);
        await r.checkA11y();
        expect(await r.text()).toContain(ru('noBeds.title'));
      } finally {
        await r.close();
      }
    } finally {
      await a.close();
      await e.close();
    }
  });
});
