/**
 * Special social services by contract in the browser (seed 002): the person (r21, Russian) opens
 * «ИППСУ», «Заключить договор» → «Заключение договора с поставщиком …» «Да» → «На заключении»; the
 * provider's employee (ssu-e1) in Kazakh sets the volume and the validity and signs with the
 * legal-entity key; the person «Подписать договор» → «Подписать договор?» «Да» → «Действует»; the
 * provider records services and forms the act; the person disputes it in English; the provider forms
 * it again and the person signs it («Подписать акт оказанных услуг?» «Да»). Every page and the
 * signing dialog are checked with axe (zero violations). Waits are for states, never for time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exact, localeTexts, press, starts, useBrowserStand, type PortalPage } from '../support/browser.js';
import { astanaDate } from '../../src/lib/clock.js';

const stand = useBrowserStand();
const ru = localeTexts('ru', 'contracts');
const kk = localeTexts('kk', 'contracts');
const en = localeTexts('en', 'contracts');
const PROVIDER = 'ТОО «Шапағат» — уход на дому';
const PERSON = 'САДЫКОВА РАУШАН ЖУМАБАЕВНА';
const day = (n: number) => astanaDate(new Date(Date.now() + n * 86_400_000));
const tr = (s: string, params: Record<string, string>) =>
  Object.entries(params).reduce((out, [k, v]) => out.replace(`{{${k}}}`, v), s);

describe('a contract for special social services, both sides in the browser', () => {
  let person: PortalPage;
  let provider: PortalPage;
  let contractPath = '';

  beforeAll(async () => {
    person = await stand.open();
    await person.loginAs('r21');
    provider = await stand.open({ lang: 'kk' });
    await provider.loginAs('ssu-e1');
  });
  afterAll(async () => {
    await person?.close();
    await provider?.close();
  });

  it('the person concludes: «ИППСУ» → «Заключить договор» → «Да» → «На заключении»', async () => {
    await person.goto('/ippsu?lang=ru');
    const main = person.page.locator('main');
    await expect.poll(() => main.locator('h1').innerText()).toBe(ru('ippsu.title'));
    expect(await main.innerText()).toContain(ru('ippsu.services'));
    expect(await main.innerText()).toContain(ru('ippsu.providers'));
    await press(person, starts(ru('button.conclude')));
    await expect
      .poll(() => person.page.locator('h1').innerText())
      .toBe(tr(ru('request.title'), { provider: PROVIDER }));
    expect(await person.page.getByRole('link', { name: exact(ru('button.cancel')) }).count()).toBe(1);
    await press(person, exact(ru('button.yes')));
    await expect.poll(() => person.text()).toContain(ru('flash.requested'));
    contractPath = new URL(person.page.url()).pathname;
    await person.goto('/contracts');
    const row = person.page.locator('tr', { hasText: PROVIDER });
    await expect.poll(() => row.innerText()).toContain(ru('status.requested'));
  });

  it('the provider, in Kazakh, sets the volume and the validity and signs with the legal-entity key', async () => {
    await provider.goto('/supplier/contracts?lang=kk');
    expect(await provider.page.getAttribute('html', 'lang')).toBe('kk');
    await expect.poll(() => provider.text()).toContain(kk('provider.incoming'));
    await provider.clickLink(exact(PERSON));
    const volume = provider.page.locator('input[name^="volume_"]').first();
    await volume.fill('30');
    await provider.page.getByLabel(kk('field.validFrom')).fill(day(0));
    await provider.page.getByLabel(kk('field.validTo')).fill(day(90));
    await provider.sign(exact(kk('button.providerSign')), 'ssu-e1');
    await expect.poll(() => provider.text()).toContain(kk('flash.providerSigned'));
    expect(await provider.text()).toContain(kk('status.provider_signed'));
  });

  it('the person signs: «Подписать договор» → «Подписать договор?» → «Да» → «Действует»', async () => {
    await person.goto(`${contractPath}?lang=ru`);
    await expect.poll(() => person.text()).toContain(ru('status.provider_signed'));
    await press(person, exact(ru('button.signContract')));
    await expect.poll(() => person.page.locator('h1').innerText()).toBe(ru('sign.question'));
    await person.sign(exact(ru('button.yes')), 'r21');
    await expect.poll(() => person.text()).toContain(ru('flash.signed'));
    expect(await person.text()).toContain(ru('status.active'));
  });

  it('the provider records services and forms the act (Kazakh)', async () => {
    await provider.goto(`/supplier${contractPath}`);
    await provider.page.locator('select#service').selectOption({ index: 1 });
    await provider.page.getByLabel(kk('field.date')).fill(day(0));
    await provider.page.getByLabel(kk('field.quantity')).fill('2');
    await press(provider, exact(kk('button.record')));
    await expect.poll(() => provider.text()).toContain(kk('flash.recorded'));
    await press(provider, exact(kk('button.formAct')));
    await expect.poll(() => provider.text()).toContain(kk('flash.actFormed'));
  });

  it('the person disputes the act in English, with a reason', async () => {
    await person.goto(`${contractPath}?lang=en`);
    expect(await person.page.getAttribute('html', 'lang')).toBe('en');
    await press(person, exact(en('button.disputeAct')));
    await expect.poll(() => person.page.locator('h1').innerText()).toBe(en('dispute_act.title'));
    await person.page.getByLabel(en('field.reason')).fill('The visit of today did not take place');
    await person.sign(exact(en('button.continue')), 'r21');
    await expect.poll(() => person.text()).toContain(en('flash.dispute_act'));
    expect(await person.text()).toContain('The visit of today did not take place');
  });

  it('the act formed again is signed: «Подписать акт» → «Подписать акт оказанных услуг?» → «Да»', async () => {
    await provider.goto(`/supplier${contractPath}`);
    await press(provider, exact(kk('button.formAct')));
    await expect.poll(() => provider.text()).toContain(kk('flash.actFormed'));
    await person.goto(`${contractPath}?lang=ru`);
    await press(person, exact(ru('button.signAct')));
    await expect.poll(() => person.page.locator('h1').innerText()).toBe(ru('act.question'));
    await person.sign(exact(ru('button.yes')), 'r21');
    await expect.poll(() => person.text()).toContain(ru('flash.actSigned'));
    // the count rendered shows in the programme (seed 002 item 3.5)
    await person.goto('/ippsu');
    const cell = person.page.locator('td[data-rendered]').first();
    await expect.poll(() => cell.innerText()).toBe('2');
  });
});
