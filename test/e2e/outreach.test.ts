import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exact, follow, localeTexts, press, useBrowserStand, type PortalPage } from '../support/browser.js';
import { personByKey } from '../../src/devstand/people.js';
import { astanaDate } from '../../src/lib/clock.js';
import { signAs } from '../support/http.js';
import { actorOf, addEntry, orderInProgress } from '../integration/specialist-services/helpers.js';

const stand = useBrowserStand();
let lex: PortalPage;

beforeAll(async () => {
  lex = await stand.open({ lang: 'ru' });
  await lex.goto('/?lang=ru');
  await lex.loginAs('lex01');
});
afterAll(async () => {
  await lex?.close();
});

describe('the employee of a local executive body (ru)', () => {
  const t = localeTexts('ru', 'outreach');

  it('marks a person without a phone as notified: how, and a note; a missing choice gets a message', async () => {
    await lex.goto('/outreach');
    expect(await lex.page.locator('h1').innerText()).toBe(t('list.title'));
    await follow(lex, exact('ПЕТРОВА АННА ИВАНОВНА'));
    expect(await lex.text()).toContain('Подгузники');

    // nothing chosen: the page says what is missing and keeps the form
    await press(lex, exact(t('card.submit')), 'errors');
    expect(await lex.page.locator('.govuk-error-summary').innerText()).toContain(t('errors.methodRequired'));

    await lex.page.getByLabel(t('method.visit')).check();
    await lex.page.getByLabel(t('card.note')).fill('Посетили на дому, передали уведомление лично');
    await press(lex, exact(t('card.submit')), 'done');
    expect(new URL(lex.page.url()).pathname).toBe('/outreach');
    expect(await lex.text()).toContain(t('flash.notified'));
    const row = lex.page.locator('tr', { hasText: 'ПЕТРОВА АННА ИВАНОВНА' });
    await expect.poll(() => row.innerText()).toContain(t('state.notified'));
    expect(await row.innerText()).toContain(t('method.visit'));

    const note = (await stand.ctx
      .db('unreachable_notices as u')
      .join('persons as p', 'p.id', 'u.person_id')
      .where('p.iin', personByKey('np02').iin)
      .first('u.notified_method', 'u.notified_note')) as { notified_method: string; notified_note: string };
    expect(note).toEqual({
      notified_method: 'visit',
      notified_note: 'Посетили на дому, передали уведомление лично',
    });
  });
});

describe('the new pages have no axe violations', () => {
  it.each(['ru', 'kk', 'en'])('in %s', async (lang) => {
    const t = localeTexts(lang, 'outreach');
    // the employee's list, a card with its form and errors
    await lex.goto(`/outreach?lang=${lang}`);
    expect(await lex.page.locator('h1').innerText()).toBe(t('list.title'));
    await lex.goto(`/outreach?state=open&q=%D0%96%D0%A3%D0%9C&lang=${lang}`);
    await follow(lex, exact('ЖУМАБАЕВ СЕРИК ОРАЛОВИЧ'));
    await press(lex, exact(t('card.submit')), `errors-${lang}`);

    // the administrator's counts and grants, with a refused grant
    const admin = await stand.open({ lang });
    try {
      await admin.goto(`/?lang=${lang}`);
      await admin.loginAs('a01');
      await admin.goto(`/admin/outreach?lang=${lang}`);
      expect(await admin.page.locator('h1').innerText()).toBe(t('admin.title'));
      await admin.page.getByLabel(t('field.iin')).fill('123');
      await press(admin, exact(t('admin.grant')), `errors-${lang}`);
      expect(await admin.page.locator('.govuk-error-summary').innerText()).toContain(t('errors.iinFormat'));
    } finally {
      await admin.close();
    }

    // the queue check by ИИН (public)
    const visitor = await stand.open({ lang });
    try {
      await visitor.goto(`/queue-check?lang=${lang}`);
      await visitor.page.getByLabel(t('queueCheck.iin')).fill(personByKey('r05').iin);
      await press(visitor, exact(t('queueCheck.submit')), `result-${lang}`);
      expect(await visitor.page.locator('#iin-entries').innerText()).toContain(t('queueCheck.department'));
      await visitor.page.getByLabel(t('queueCheck.iin')).fill('12');
      await press(visitor, exact(t('queueCheck.submit')), `errors-${lang}`);
    } finally {
      await visitor.close();
    }
  });

  describe('the refusal to sign an act', () => {
    let order: number;
    let actId: number;
    beforeAll(async () => {
      const ctx = stand.ctx;
      order = await orderInProgress(ctx, 'r02', 's01', 'UZHYA');
      const today = astanaDate(ctx.clock.now());
      await addEntry(ctx, 's01', order, { day: today, hours: 2, format: 'remote' });
      const area = ctx.services.specialistServices;
      const s01 = await actorOf(ctx, 's01', ['specialist']);
      const issued = await area.acts.electronic.issue(s01, order, { period: today.slice(0, 7) });
      const act = await area.acts.electronic.create(s01, order, {
        signRequestId: issued.signRequest.id,
        signedXml: signAs(ctx, 's01', 'SIGN', issued.signRequest.xml),
      });
      actId = act.id;
    });

    it.each(['ru', 'kk', 'en'])('in %s', async (lang) => {
      const t = localeTexts(lang, 'outreach');
      const r02 = await stand.open({ lang });
      try {
        await r02.goto(`/?lang=${lang}`);
        await r02.loginAs('r02');
        await r02.goto(`/services/orders/${order}/acts/${actId}?lang=${lang}`);
        await follow(r02, exact(t('dispute.link')));
        expect(await r02.page.locator('h1').innerText()).toContain(t('dispute.title').split('{{')[0]!.trim());
        await press(r02, exact(t('dispute.submit')), `errors-${lang}`);
        expect(await r02.page.locator('.govuk-error-summary').innerText()).toContain(
          t('dispute.reasonRequired'),
        );
      } finally {
        await r02.close();
      }
    });
  });
});
