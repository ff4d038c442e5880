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

  it('colours axe has parsed once are read again with the same answers: each pair of colours is judged as on its own', async () => {
    // text on white in four notations: two too pale (below 4.5:1), two dark enough; the same colours
    // come back in the second half of the page and in the second run, when axe has parsed them before
    // (axeViolations names the first five elements of a rule)
    const pairs = [
      ['dark-hex', '#0b0c0c', true],
      ['pale-rgba', 'rgba(0, 0, 0, 0.4)', false],
      ['pale-hsl-turn', 'hsl(0.5turn 60% 55%)', false],
      ['dark-hsl', 'hsl(210 80% 20%)', true],
    ] as const;
    const paras = (n: number) =>
      pairs
        .map(([id, c]) => `<p id="${id}-${n}" style="color:${c};background:#fff">Текст ${id}</p>`)
        .join('');
    await page.setContent(
      `<!doctype html><html lang="ru"><head><title>Цвета</title></head><body style="background:#fff"><main><h1>Цвета</h1>${paras(1)}${paras(2)}</main></body></html>`,
    );
    const expected = pairs
      .filter(([, , ok]) => !ok)
      .flatMap(([id]) => [`#${id}-1`, `#${id}-2`])
      .sort();
    const pale = async () =>
      (await axeViolations(page, { tags: ['wcag2aa'] }))
        .filter((v) => v.startsWith('color-contrast'))
        .flatMap((v) =>
          v
            .split('\n')
            .slice(1)
            .map((l) => l.trim()),
        )
        .sort();
    expect(await pale()).toEqual(expected);
    expect(await pale()).toEqual(expected);
    // the page remembers what it parsed: a string read again gives the channels of the first reading
    const again = await page.evaluate(() => {
      const C = (
        window as unknown as {
          axe: {
            commons: {
              color: { Color: new () => Record<string, number> & { parseString: (s: string) => unknown } };
            };
          };
        }
      ).axe.commons.color.Color;
      const a = new C();
      a.parseString('hsl(0.5turn 60% 55%)');
      const b = new C();
      b.parseString('hsl(0.5turn 60% 55%)');
      return [a.red, a.green, a.blue, a.alpha, b.red, b.green, b.blue, b.alpha];
    });
    expect(again.slice(0, 4)).toEqual(again.slice(4));
    // hsl(180deg 60% 55%) is rgb(71, 209, 209)
    expect(again.slice(0, 3).map((v) => Math.round(v ?? Number.NaN))).toEqual([71, 209, 209]);
  });
});
