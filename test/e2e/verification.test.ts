import { beforeAll, describe, expect, it } from 'vitest';
import { exact, follow, localeTexts, press, useBrowserStand, type PortalPage } from '../support/browser.js';
import { loginAs, submitSigned } from '../support/http.js';
import { ASTANA_GENERAL, deptId } from '../integration/msu/helpers.js';
import { ZOOM_VIEWPORT, assertNoHorizontalScroll, assertTouchTargets } from '../support/a11y.js';

const stand = useBrowserStand();

/** Chooses the interface language the way the switch does (its cookie). */
async function useLanguage(p: PortalPage, lang: string): Promise<void> {
  await p.page.context().addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
}

/**
 * Documents anyone can verify, in the browser, every page checked by axe in each language: the
 * recipient finds the referral in «Мои Направления», its code opens the public page; a visitor types
 * a wrong code, then the right one in lower case.
 */
describe('verifying a document in the browser', () => {
  let code: string;

  beforeAll(async () => {
    // r01 enrols (a signed «Записаться»): the referral and its signed document
    const ctx = stand.ctx;
    const agent = await loginAs(ctx, 'r01');
    const page = await agent.get(`/msu/departments/${await deptId(ctx, ASTANA_GENERAL)}/enrol`).expect(200);
    expect((await submitSigned(ctx, agent, page.text, 'r01')).status).toBe(303);
    const row = (await ctx
      .db('signed_documents')
      .where({ purpose: 'msu.enrol' })
      .orderBy('id', 'desc')
      .first('verification_code')) as { verification_code: string };
    code = row.verification_code;
  });

  it.each(['ru', 'kk', 'en'])(
    '(%s) «Мои Направления» → the code’s page; the form refuses a bad code',
    async (lang) => {
      const t = localeTexts(lang, 'verification');
      const r = await stand.open({ lang });
      const v = await stand.open({ lang });
      try {
        await useLanguage(r, lang);
        await useLanguage(v, lang);

        await r.loginAs('r01');
        await r.goto('/cabinet');
        await follow(r, exact(t('nav.referrals')));
        await r.page.getByRole('heading', { level: 1, name: t('list.title') }).waitFor();
        await r.page
          .getByRole('link', { name: new RegExp(`^${t('list.download')}`) })
          .first()
          .waitFor();
        // at 200 % zoom the list and the result reflow without sideways scrolling, targets stay 24 px
        await r.page.setViewportSize(ZOOM_VIEWPORT);
        await assertNoHorizontalScroll(r.page);
        await assertTouchTargets(r.page);
        await follow(r, exact(code));
        await r.page.getByText(t('result.valid'), { exact: true }).waitFor();
        await assertNoHorizontalScroll(r.page);
        await assertTouchTargets(r.page);

        // a visitor, no login: a code too short, then the right one typed in lower case
        await v.goto('/verify');
        await v.page.getByLabel(t('form.code')).fill('12345');
        await press(v, exact(t('form.submit')), 'bad-code');
        await v.page.getByText(t('errors.codeFormat')).first().waitFor();
        await v.page.getByLabel(t('form.code')).fill(code.toLowerCase());
        await press(v, exact(t('form.submit')), 'result');
        await v.page.getByText(t('result.valid'), { exact: true }).waitFor();
        expect(v.page.url()).toBe(`${stand.baseUrl}/verify/${code}`);

        // an unknown code: the page says it is not known
        await v.page.goto(`${stand.baseUrl}/verify/000000000000`, { waitUntil: 'load' });
        await v.checkA11y('unknown');
        await v.page.getByText(t('errors.unknownCode')).first().waitFor();
      } finally {
        await r.close();
        await v.close();
      }
    },
    600_000,
  );
});
