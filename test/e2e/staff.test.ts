import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exact, localeTexts, named, useBrowserStand, type PortalPage } from '../support/browser.js';
import { ORGANISATIONS, personByKey } from '../../src/devstand/people.js';

const stand = useBrowserStand();
let admin: PortalPage;

beforeAll(async () => {
  admin = await stand.open();
  await admin.loginAs('a01');
});
afterAll(async () => {
  await admin?.close();
});

const E09 = 'ОМАРОВА ДИНАРА КАЙРАТОВНА';

async function astanaMsuId(): Promise<number> {
  const bin = ORGANISATIONS.find((o) => o.key === 'msu-astana')!.bin;
  return ((await stand.ctx.db('organisations').where({ bin }).first('id')) as { id: number }).id;
}

describe.each(['ru', 'en'])('staff and standing (%s)', (lang) => {
  const t = localeTexts(lang, 'staff');

  it('the head adds an employee (signed), the employee logs in; a suspension shows the employee its reason', async () => {
    const head = await stand.open({ lang });
    const employee = await stand.open({ lang });
    try {
      await head.goto(`/?lang=${lang}`);
      await head.loginAs('e01');
      await head.goto('/organisation/staff');
      expect(await head.text()).toContain(t('title'));

      // «Добавить сотрудника»: IIN, role, signed with the organisation's legal-entity key in the dialog
      await head.page.getByLabel(t('field.iin')).fill(personByKey('e09').iin);
      await head.page.getByLabel(t('role.employeeMsu')).check();
      await head.page.getByRole('button', { name: t('add.button') }).click();
      await head.signInDialog('e01', 'SIGN');
      const staffPage = await head.text();
      expect(staffPage).toContain(t('flash.added'));
      expect(staffPage).toContain(E09);
      expect(staffPage).toContain(t('history.action.added'));

      // the new employee logs in with the legal-entity key carrying the organisation's BIN
      await employee.goto(`/?lang=${lang}`);
      await employee.loginAs('e09');
      await employee.goto('/institution');
      expect(employee.page.url()).toContain('/institution');

      // the administrator suspends the organisation with a reason, signed
      const reason = lang === 'ru' ? 'Плановая проверка лицензии' : 'Scheduled licence check';
      await admin.goto(`/admin/organisations?lang=${lang}`);
      expect(await admin.text()).toContain(t('admin.organisationsTitle'));
      await admin.goto(`/admin/organisations/${await astanaMsuId()}`);
      await admin.clickLink(t('standingAction.suspend'));
      await admin.page.getByLabel(t('standingStep.reason')).fill(reason);
      await admin.page.getByRole('button', { name: exact(t('sign.button')) }).click();
      await admin.signInDialog('a01', 'SIGN');
      expect(await admin.text()).toContain(t('flash.standing.suspend'));

      // the employee's next page names the reason; the cabinet still works
      await employee.goto('/institution');
      const banner = employee.page.getByRole('region', { name: t('banner.title') });
      await expect(banner.innerText()).resolves.toContain(t('banner.organisationSuspended'));
      await expect(banner.innerText()).resolves.toContain(reason);

      // back as it was for the next language: resumed, the employee removed (signed)
      await admin.goto(`/admin/organisations/${await astanaMsuId()}`);
      await admin.page.getByRole('button', { name: t('standingAction.resume') }).click();
      await admin.signInDialog('a01', 'SIGN');
      await head.goto('/organisation/staff');
      await head.page.getByRole('button', { name: named(t('action.remove'), E09) }).click();
      await head.signInDialog('e01', 'SIGN');
      expect(await head.text()).toContain(t('flash.remove'));
    } finally {
      await head.close();
      await employee.close();
    }
  });
});
