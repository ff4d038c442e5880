import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBrowserStand, localeTexts, type PortalPage } from '../support/browser.js';
import { ZoomPage } from '../support/a11y.js';

const stand = useBrowserStand();
let operator: PortalPage;

/** Tuesday 8 December 2026, 10:30 in Astana: the contact centre is working. */
const WORKING = new Date('2026-12-08T10:30:00+05:00');

beforeAll(async () => {
  operator = await stand.open();
  await operator.loginAs('a01');
});
afterAll(async () => {
  stand.ctx.clock.reset();
  await operator?.close();
});

describe('the chat with the contact centre', () => {
  it('a visitor without a login asks, is handed to an operator, and sees the answer live', async () => {
    const visitor = await stand.open();
    try {
      await visitor.goto('/');
      const p = visitor.page;
      // «Чат» on every page opens the chat over the page
      await p.getByRole('link', { name: 'Чат', exact: true }).click();
      const dialog = p.getByRole('dialog', { name: 'Чат с контакт-центром' });
      await dialog.waitFor({ state: 'visible' });
      await expect(
        dialog.getByLabel('Ваше сообщение').evaluate((e) => e === document.activeElement),
      ).resolves.toBe(true);
      const log = dialog.getByRole('log', { name: 'Сообщения' });
      expect(await log.getAttribute('aria-live')).toBe('polite');
      await visitor.checkA11y('chat-dialog');

      // the bot answers from the FAQ, with a link to the answer
      await dialog.getByLabel('Ваше сообщение').fill('Какой ключ ЭЦП нужен для входа?');
      await dialog.getByRole('button', { name: 'Отправить' }).click();
      await log.locator('.portal-chat__message--bot').waitFor();
      expect(await log.innerText()).toContain('Вот что нашлось');
      await expect(log.getByRole('link', { name: 'Какой ключ ЭЦП нужен для входа?' }).count()).resolves.toBe(
        1,
      );
      await visitor.checkA11y('chat-bot-answered');

      // «Связаться с оператором» in working hours
      stand.ctx.clock.set(WORKING);
      await dialog.getByRole('button', { name: 'Связаться с оператором' }).click();
      await log.getByText('Разговор передан оператору контакт-центра').waitFor();
      await dialog.locator('[data-chat-handoff]').waitFor({ state: 'hidden' });

      // the operator, in another browser, finds it in the console and answers
      await operator.goto('/admin/support/chat');
      expect(await operator.text()).toContain('Ожидает оператора');
      await operator.clickLink(/^Разговор № \d+$/);
      expect(await operator.text()).toContain('Какой ключ ЭЦП нужен для входа?');
      await operator.page.getByLabel('Ответ оператора').fill('Здравствуйте! Нужен ключ AUTH_RSA256.');
      await operator.page.getByRole('button', { name: 'Ответить' }).click();
      await operator.page.locator('.portal-chat__message--operator').waitFor();

      // the visitor sees it arrive without reloading
      const answer = log.locator('.portal-chat__message--operator');
      await answer.waitFor();
      expect(await answer.innerText()).toContain('Здравствуйте! Нужен ключ AUTH_RSA256.');
      expect(await answer.innerText()).toContain('Оператор контакт-центра');

      // the visitor writes back; the operator's page shows it live
      await dialog.getByLabel('Ваше сообщение').fill('Спасибо, получилось');
      await dialog.getByRole('button', { name: 'Отправить' }).click();
      await operator.page.getByText('Спасибо, получилось').waitFor();

      // Escape closes the dialog and returns focus to «Чат»
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect(
        p.getByRole('link', { name: 'Чат', exact: true }).evaluate((e) => e === document.activeElement),
      ).resolves.toBe(true);
    } finally {
      stand.ctx.clock.reset();
      await visitor.close();
    }
  });

  it.each(['ru', 'kk', 'en'])('has no axe violations in %s, as a page and as a dialog', async (lang) => {
    const tx = localeTexts(lang, 'chat');
    const visitor = await stand.open({ lang });
    try {
      await visitor.goto(`/chat?lang=${lang}`);
      expect(await visitor.text()).toContain(tx('title'));
      await visitor.goto('/support/report');
      expect(await visitor.text()).toContain(tx('report.title'));
      // an empty public form is refused with the reasons
      await visitor.clickButton(localeTexts(lang, 'support')('form.submit'));
      expect(await visitor.text()).toContain(tx('errors.nameRequired'));
      await visitor.checkA11y('report-errors');
      await visitor.goto('/info');
      await visitor.page.getByRole('link', { name: tx('link'), exact: true }).click();
      await visitor.page.getByRole('dialog', { name: tx('title') }).waitFor();
      await visitor.checkA11y('chat-dialog');
    } finally {
      await visitor.close();
    }
  });

  it('works at 200% zoom: reflow and target sizes of the chat page with an answer', async () => {
    const zoomed = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
    try {
      await zoomed.goto('/chat');
      await zoomed.page.getByLabel('Ваше сообщение').fill('Не приходит SMS');
      await zoomed.page.getByRole('button', { name: 'Отправить' }).click();
      await zoomed.page.locator('.portal-chat__message--bot').waitFor();
      await zoomed.checkA11y('chat-answered');
    } finally {
      await zoomed.close();
    }
  });

  it("works at 200% zoom for the operator: the console and a conversation with the operator's answer", async () => {
    const visitor = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
    const console = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
    try {
      stand.ctx.clock.set(WORKING);
      await visitor.goto('/chat');
      await visitor.page.getByLabel('Ваше сообщение').fill('Не могу войти по ЭЦП, помогите');
      await visitor.page.getByRole('button', { name: 'Отправить' }).click();
      await visitor.page.locator('.portal-chat__message--bot').waitFor();
      await visitor.page.getByRole('button', { name: 'Связаться с оператором' }).click();
      await visitor.page.getByText('Разговор передан оператору контакт-центра').waitFor();

      await console.loginAs('a01');
      await console.goto('/admin/support/chat');
      // a waiting conversation is listed first, with the visitor's last words
      expect(await console.text()).toContain('Не могу войти по ЭЦП, помогите');
      await console.checkA11y('console');
      await console.page
        .getByRole('link', { name: /^Разговор № \d+$/ })
        .first()
        .click();
      await console.page.getByText('Не могу войти по ЭЦП, помогите').waitFor();
      await console.page.getByLabel('Ответ оператора').fill('Проверьте, что выбран ключ AUTH_RSA256.');
      await console.page.getByRole('button', { name: 'Ответить' }).click();
      await console.page.locator('.portal-chat__message--operator').waitFor();
      await console.checkA11y('conversation-answered');
    } finally {
      stand.ctx.clock.reset();
      await visitor.close();
      await console.close();
    }
  });
});
