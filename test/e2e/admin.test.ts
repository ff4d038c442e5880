import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { PortalPage } from '../support/browser.js';
import { useBrowserStand } from '../support/browser.js';
import { ASTANA_ZONE } from '../../src/lib/clock.js';

const stand = useBrowserStand();
let admin: PortalPage;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  admin = await stand.open();
  await admin.loginAs('a01');
});
afterAll(async () => {
  await admin?.close();
});

describe('a maintenance notice', () => {
  it('is published by the administrator and shown as a banner on every page while active', async () => {
    await admin.goto('/admin');
    await admin.clickLink('Объявления о работах и сбоях');
    await admin.clickLink('Добавить объявление');
    const p = admin.page;
    await p.getByLabel('Плановые технические работы').check();
    await p.locator('#title_ru').fill('Технические работы на портале');
    await p.locator('#title_kk').fill('Порталдағы техникалық жұмыстар');
    await p.locator('#title_en').fill('Maintenance of the portal');
    await p.locator('#text_ru').fill('Подписание временно недоступно: идёт обновление.');
    await p.locator('#text_kk').fill('Қол қою уақытша қолжетімсіз: жаңарту жүріп жатыр.');
    await p.locator('#text_en').fill('Signing is temporarily unavailable: an update is under way.');
    const fixAt = DateTime.now().setZone(ASTANA_ZONE).plus({ hours: 3 });
    await p.locator('#fix_expected_at').fill(fixAt.toFormat("yyyy-MM-dd'T'HH:mm"));
    await admin.clickButton('Сохранить');
    expect(await admin.text()).toContain('Объявление сохранено.');

    const visitor = await stand.open();
    try {
      for (const url of ['/', '/info', '/login', '/no-such-page']) {
        await visitor.goto(url);
        const banner = visitor.page.getByRole('region', { name: 'Объявление' });
        await expect(banner.innerText()).resolves.toContain('Технические работы на портале');
        await expect(banner.innerText()).resolves.toContain(
          `Ожидаемое время устранения: ${fixAt.toFormat('dd.MM.yyyy HH:mm')}.`,
        );
      }
      await visitor.goto('/info?lang=kk');
      expect(await visitor.page.getByRole('region').first().innerText()).toContain(
        'Порталдағы техникалық жұмыстар',
      );
      await visitor.goto('/info?lang=en');
      expect(await visitor.page.getByRole('region').first().innerText()).toContain(
        'Maintenance of the portal',
      );
      await visitor.goto('/info?lang=ru');
    } finally {
      await visitor.close();
    }

    // ended: the banner disappears
    await admin.goto('/admin/notices');
    await admin.clickButton('Завершить: Технические работы на портале');
    await admin.goto('/');
    expect(await admin.page.locator('.portal-banner').count()).toBe(0);
  });
});

describe('a request about a technical failure', () => {
  it('goes from filing to the fix notice, seen by the participant and worked by the contact centre', async () => {
    const participant = await stand.open();
    try {
      await participant.loginAs('r01');
      await participant.goto('/support');
      await participant.clickLink('Сообщить о техническом сбое');
      // an empty form is refused with an error summary that leads to the field
      await participant.clickButton('Отправить обращение');
      await participant.checkA11y('errors');
      expect(await participant.page.locator('.govuk-error-summary').innerText()).toContain(
        'Опишите, что случилось.',
      );
      await participant.page
        .getByLabel('Что случилось')
        .fill('После нажатия «Подписать» страница показывает ошибку.');
      await participant.page.getByLabel('Где это случилось (необязательно)').fill('Заказы товаров');
      await participant.page
        .getByLabel('Снимки экрана (необязательно)')
        .setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: PNG });
      await participant.clickButton('Отправить обращение');
      const heading = await participant.page.locator('h1').innerText();
      const number = /№ (SR-\d{4}-\d{5})/.exec(heading)![1]!;
      expect(await participant.text()).toContain('Поступило');

      // the contact centre: the queue, then each step of rule 15
      await admin.goto('/admin/support');
      await admin.clickLink(`Открыть обращение № ${number}`);
      await admin.clickButton('Зарегистрировать');
      expect(await admin.page.locator('#request-status').innerText()).toBe('Зарегистрировано');
      await admin.page.locator('#confirm-comment').fill('Сбой воспроизведён.');
      await admin.clickButton('Подтвердить сбой');
      expect(await admin.page.locator('#request-status').innerText()).toBe('Сбой подтверждён');
      const fixAt = DateTime.now().setZone(ASTANA_ZONE).plus({ days: 1 }).set({ hour: 12, minute: 0 });
      await admin.page.locator('#escalate-fix_expected_at').fill(fixAt.toFormat("yyyy-MM-dd'T'HH:mm"));
      await admin.clickButton('Передать администратору портала');
      expect(await admin.page.locator('#request-status').innerText()).toBe('Передано администратору портала');
      await admin.page.locator('#fix-comment').fill('Работы завершены.');
      await admin.clickButton('Сбой устранён');
      expect(await admin.page.locator('#request-status').innerText()).toBe('Сбой устранён');

      // the participant sees the status and every notice
      await participant.goto('/support');
      await participant.clickLink(number);
      expect(await participant.page.locator('#request-status').innerText()).toBe('Сбой устранён');
      const notices = await participant.page.locator('#notices tbody tr').allInnerTexts();
      expect(notices).toHaveLength(5);
      expect(notices[3]).toContain(`Плановое время устранения: ${fixAt.toFormat('dd.MM.yyyy HH:mm')}`);
      expect(notices[4]).toContain('технический сбой устранён');
      expect(notices[4]).toContain('Работы завершены.');

      // the same pages in Kazakh and English
      await participant.goto('/support?lang=kk');
      expect(await participant.page.locator('h1').innerText()).toBe('Техникалық ақаулар туралы өтініштер');
      await participant.goto('/support/new?lang=en');
      expect(await participant.page.locator('h1').innerText()).toBe('Report a technical failure');
      await participant.goto('/support?lang=ru');
    } finally {
      await participant.close();
    }
  });
});

describe('the administrator’s pages', () => {
  it('pass axe in Russian, and the key ones in Kazakh and English', async () => {
    for (const url of [
      '/admin/users?q=ИВАНОВ',
      '/admin/audit',
      '/admin/health',
      '/admin/settings',
      '/admin/exchange',
    ]) {
      await admin.goto(url);
    }
    const instruction = (await stand.ctx.db('content_items').where({ kind: 'instruction' }).first('id')) as {
      id: number;
    };
    await admin.goto(`/admin/content/${instruction.id}`);
    expect(await admin.page.getByLabel('Видео (MP4 или WebM, до 25 МБ)').count()).toBe(1);
    await admin.goto(`/info/instructions/${instruction.id}?lang=en`);
    await admin.goto('/admin/reports?lang=kk');
    expect(await admin.page.locator('h1').innerText()).toBe('Есептер');
    expect(await admin.page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(3);
    await admin.goto('/admin?lang=en');
    expect(await admin.page.locator('h1').innerText()).toBe('Portal administration');
    await admin.goto('/admin/support?lang=ru');
  });
});
