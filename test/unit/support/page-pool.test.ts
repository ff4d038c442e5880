/**
 * The browser tier keeps a closed PortalPage's page for the file's next one (test/support/browser.ts,
 * takePage): the next person must find nothing of the previous one — no cookie, no page, the viewport
 * as made — and a page a test gave a listener of its own is not kept. Skipped when Chromium is not
 * installed.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, PortalPage, launchBrowser } from '../../support/browser.js';

const hasChromium = fs.existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('a page kept for the next PortalPage', () => {
  let browser: Browser;
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      if (req.url === '/login') headers['set-cookie'] = 'sid=first-person; Path=/; HttpOnly';
      res.writeHead(200, headers);
      res.end(
        `<!doctype html><html lang="ru"><head><title>Стр</title></head><body><main><h1>Стр</h1><p id="cookie">${req.headers.cookie ?? 'none'}</p></main></body></html>`,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it('comes back wiped: on about:blank, without the previous cookies, at the viewport it was made with', async () => {
    const first = await PortalPage.open(browser, base, '/nowhere');
    await first.page.goto(`${base}/login`);
    await first.page.goto(`${base}/`);
    expect(await first.page.locator('#cookie').innerText()).toBe('sid=first-person');
    const viewport = first.page.viewportSize();
    await first.page.setViewportSize({ width: 500, height: 500 });
    const page = first.page;
    await first.close();

    const second = await PortalPage.open(browser, base, '/nowhere');
    expect(second.page).toBe(page);
    expect(second.page.url()).toBe('about:blank');
    expect(second.page.viewportSize()).toEqual(viewport);
    await second.page.goto(`${base}/`);
    expect(await second.page.locator('#cookie').innerText()).toBe('none');
    await second.close();
  });

  it('is not kept when the test gave it a listener of its own, or another language', async () => {
    const first = await PortalPage.open(browser, base, '/nowhere');
    first.page.on('console', () => undefined);
    const page = first.page;
    await first.close();
    expect(page.isClosed()).toBe(true);

    const ru = await PortalPage.open(browser, base, '/nowhere');
    const kept = ru.page;
    await ru.close();
    const en = await PortalPage.open(browser, base, '/nowhere', { lang: 'en' });
    expect(en.page).not.toBe(kept);
    await en.close();
  });
});
