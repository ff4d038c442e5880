/**
 * The browser tier's axe check does not run twice on a document state that passed (test/support/browser.ts):
 * what must still fail does — a state with violations each time it comes, and a state that differs from
 * one that passed only in what the markup does not show (the focus here) is checked afresh.
 * Skipped when Chromium is not installed.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, axeViolations, launchBrowser } from '../../support/browser.js';

const hasChromium = fs.existsSync(CHROMIUM);

// a button whose text is readable until it has focus: grey on white (2.3:1) under :focus
const PAGE = `<!doctype html><html lang="ru"><head><title>Проверка</title>
<style>body{background:#fff;color:#0b0c0c} button{color:#0b0c0c;background:#fff;border:2px solid #0b0c0c}
button:focus{color:#aaa}</style></head>
<body><main><h1>Проверка</h1><form><input type="hidden" name="_csrf" value="TOKEN">
<button type="button">Отправить</button></form></main></body></html>`;

describe.skipIf(!hasChromium)('axe on a document state that passed before', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a state with violations fails every time it comes', async () => {
    await page.setContent(
      '<!doctype html><html lang="ru"><head><title>Фото</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>',
    );
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
  });

  it('the same markup with a fresh hidden token passes; the same markup with the focus on the button is checked again', async () => {
    await page.setContent(PAGE);
    expect(await axeViolations(page)).toEqual([]);
    await page.setContent(PAGE.replace('TOKEN', 'ANOTHER-TOKEN'));
    expect(await axeViolations(page)).toEqual([]);
    await page.focus('button');
    expect((await axeViolations(page)).join('\n')).toMatch(/^color-contrast/m);
  });

  it('the same markup with the mark govuk-frontend leaves on a started component passes without a second run', async () => {
    const started = PAGE.replace(
      '<button type="button">',
      '<button type="button" data-govuk-button-init="">',
    );
    await page.setContent(PAGE);
    expect(await axeViolations(page)).toEqual([]);
    // setContent keeps the window, and axe in it: its runs are counted from here
    const runs = () => page.evaluate(() => (window as unknown as { axeRuns: number }).axeRuns);
    await page.evaluate(() => {
      const w = window as unknown as { axeRuns: number; axe: { run: (...a: unknown[]) => unknown } };
      const run = w.axe.run.bind(w.axe);
      w.axeRuns = 0;
      w.axe.run = (...a: unknown[]) => {
        w.axeRuns++;
        return run(...a);
      };
    });
    await page.setContent(started);
    expect(await axeViolations(page)).toEqual([]);
    expect(await runs()).toBe(0);
    // the mark does not hide what differs besides: with the focus on the button it fails
    await page.focus('button');
    expect((await axeViolations(page)).join('\n')).toMatch(/^color-contrast/m);
    expect(await runs()).toBe(1);
  });
});
