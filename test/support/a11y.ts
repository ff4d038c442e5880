/**
 * Checks a user of the keyboard or of 200 % zoom notices, for the browser tier: reflow at 640 CSS px
 * (no horizontal scrolling), touch targets of at least 24×24 px, a visible focus indicator, focus kept
 * inside an open dialog; and a keyboard driver that reaches everything with Tab / Shift+Tab and acts
 * with Enter, Space, the arrow keys and typing only.
 */
import type { Browser, ElementHandle, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { AccessibilityError, PAGE_TIMEOUT, PortalPage, axeViolations, keyFile, takePage } from './browser.js';

/** 1280 px at 200 % zoom: what a 640 CSS px wide viewport shows. */
export const ZOOM_VIEWPORT = { width: 640, height: 800 };

/** The page does not scroll sideways: everything reflows into the viewport's width. */
export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    // the widest element that sticks out, to name it in the failure
    let culprit = '';
    if (doc.scrollWidth > window.innerWidth) {
      let widest = 0;
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth && r.right > widest && r.width > 0) {
          widest = r.right;
          culprit = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${String(el.className).replace(/\s+/g, '.')} (right edge ${Math.round(r.right)})`;
        }
      }
    }
    return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, culprit };
  });
  if (m.scrollWidth > m.innerWidth) {
    throw new Error(
      `${page.url()} scrolls sideways at ${m.innerWidth} px: scrollWidth ${m.scrollWidth}; widest: ${m.culprit}`,
    );
  }
}

/**
 * Every visible interactive element is at least 24×24 CSS px, except links inside a line of text
 * (WCAG 2.2, 2.5.8 «inline» exception) and what the user agent draws itself.
 */
export async function assertTouchTargets(page: Page): Promise<void> {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const sel =
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      // visually hidden until focused (the skip link), or an invisible native input under its label
      if (r.width <= 1 || r.height <= 1 || cs.opacity === '0') continue;
      if (el.closest('dialog:not([open])')) continue;
      if (r.width >= 24 && r.height >= 24) continue;
      if (el.tagName === 'A' && cs.display === 'inline') {
        // inline in a sentence: the block around it has text besides the link
        const block = el.parentElement?.closest(
          'p, li, td, th, dd, dt, div, span, label, legend, h1, h2, h3, caption',
        );
        const own = (el.textContent ?? '').trim();
        const around = (block?.textContent ?? '').replace(own, '').trim();
        if (around.length > 0) continue;
        // a list of links, one a line: the line box is at least 24 px high
        if (r.height >= 24 || (block && block.getBoundingClientRect().height >= 24 && r.width >= 24))
          continue;
      }
      out.push(
        `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} «${(el.textContent ?? el.getAttribute('aria-label') ?? '').trim().slice(0, 40)}» ${Math.round(r.width)}×${Math.round(r.height)}`,
      );
    }
    return out;
  });
  if (small.length > 0)
    throw new Error(`${page.url()}: targets smaller than 24×24 px:\n  ${small.join('\n  ')}`);
}

/** A page object whose every checked page is also checked for reflow at 640 px and target sizes. */
export class ZoomPage extends PortalPage {
  static async openZoomed(
    browser: Browser,
    baseUrl: string,
    dataDir: string,
    opts: { lang?: string } = {},
  ): Promise<ZoomPage> {
    const { page, release } = await takePage(browser, {
      locale: opts.lang === 'en' ? 'en-US' : opts.lang === 'kk' ? 'kk-KZ' : 'ru-RU',
      viewport: ZOOM_VIEWPORT,
    });
    if (opts.lang) await page.context().addCookies([{ name: 'lang', value: opts.lang, url: baseUrl }]);
    const p = new ZoomPage(page, baseUrl, dataDir);
    p.release = release;
    return p;
  }

  /** the pages (and states) already checked */
  readonly zoomChecked = new Set<string>();

  /** axe-core (the same rules as PortalPage's, run inside the page), reflow and target sizes */
  override async checkA11y(label = ''): Promise<void> {
    const key = this.page.url() + '#' + label;
    if (this.zoomChecked.has(key)) return;
    this.zoomChecked.add(key);
    const violations = await axeViolations(this.page);
    if (violations.length > 0) {
      throw new AccessibilityError(
        `axe violations on ${this.page.url()} ${label}:\n  ${violations.join('\n  ')}`,
      );
    }
    await assertNoHorizontalScroll(this.page);
    await assertTouchTargets(this.page);
  }
}

interface FocusReport {
  ok: boolean;
  isTarget: boolean;
  describe: string;
  problem: string;
  inDialog: boolean;
}

/** What the element that has focus looks like, compared with itself unfocused; runs in the page. */
function inspectFocus([target, dialogOnly]: [unknown, boolean]): FocusReport {
  const el = document.activeElement as HTMLElement | null;
  const describe = el
    ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} «${(el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).value ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)}»`
    : 'nothing';
  const inDialog = !!el?.closest('dialog[open]');
  if (!el || el === document.body) {
    return { ok: false, isTarget: false, describe, problem: 'focus is on no element', inDialog };
  }
  if (dialogOnly && !inDialog) {
    return { ok: false, isTarget: false, describe, problem: 'focus left the open dialog', inDialog };
  }
  // radios and checkboxes: the native input is invisible; its label's ::before draws the control and the ring
  let styled: Element = el;
  let pseudo: string | null = null;
  if (el.matches('.govuk-radios__input, .govuk-checkboxes__input')) {
    styled = (el as HTMLInputElement).labels?.[0] ?? el;
    pseudo = '::before';
  }
  const keys = [
    'outlineStyle',
    'outlineWidth',
    'outlineColor',
    'boxShadow',
    'backgroundColor',
    'color',
    'textDecorationLine',
    'borderTopColor',
    'borderTopWidth',
  ] as const;
  const pick = () => {
    const cs = getComputedStyle(styled, pseudo);
    return keys.map((k) => `${k}:${cs[k]}`).join(';');
  };
  const focused = pick();
  el.blur();
  const plain = pick();
  el.focus({ preventScroll: true });
  const r = (pseudo ? styled : el).getBoundingClientRect();
  const visible =
    r.width > 0 &&
    r.height > 0 &&
    r.bottom > 0 &&
    r.right > 0 &&
    r.top < window.innerHeight &&
    r.left < window.innerWidth &&
    getComputedStyle(styled).visibility !== 'hidden';
  let problem = '';
  if (!visible)
    problem = `not visible in the viewport (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)})`;
  else if (focused === plain) problem = `no visible focus indicator (${focused})`;
  return { ok: problem === '', isTarget: target !== null && el === target, describe, problem, inDialog };
}

/** Drives a page with the keyboard only, checking focus at every step. */
export class KeyboardUser {
  /** every focus stop the user passed, for the assertion that the focus indicator was checked */
  stops = 0;
  constructor(
    readonly p: PortalPage,
    private readonly dataDir: string,
  ) {
    // file choosers are intercepted from the start, so that the Space on the key file field can never
    // open the native dialog before the interception is on (a race on a busy machine)
    p.page.on('filechooser', () => undefined);
  }

  get page(): Page {
    return this.p.page;
  }

  /** Checks the element that has focus: visible, with a focus indicator; optionally whether it is the target. */
  async check(target: ElementHandle | null = null, dialogOnly = false): Promise<FocusReport> {
    const arg: [ElementHandle | null, boolean] = [target, dialogOnly];
    const report = await this.page.evaluate(inspectFocus, arg);
    this.stops += 1;
    if (!report.ok) throw new Error(`${this.page.url()}: focus on ${report.describe}: ${report.problem}`);
    return report;
  }

  /**
   * Presses Tab (or Shift+Tab) until the element the locator finds has focus; every stop on the way
   * must show a visible focus indicator.
   */
  async tabTo(
    target: Locator,
    opts: { backwards?: boolean; max?: number; dialogOnly?: boolean } = {},
  ): Promise<void> {
    const handle = await target.first().elementHandle();
    if (!handle) throw new Error(`no element for ${String(target)}`);
    const key = opts.backwards ? 'Shift+Tab' : 'Tab';
    for (let i = 0; i < (opts.max ?? 120); i++) {
      await this.page.keyboard.press(key);
      const r = await this.check(handle, opts.dialogOnly ?? false);
      if (r.isTarget) return;
    }
    throw new Error(`${this.page.url()}: Tab never reached ${String(target)}`);
  }

  /** Tab (or Shift+Tab) to the element, then press the key (Enter by default), waiting for the page it leads to. */
  async activate(target: Locator, opts: { backwards?: boolean; key?: string } = {}): Promise<void> {
    await this.tabTo(target, { backwards: opts.backwards });
    await Promise.all([
      this.page.waitForNavigation({ waitUntil: 'load' }),
      this.page.keyboard.press(opts.key ?? 'Enter'),
    ]);
    await this.p.checkA11y();
  }

  /** Tabs to a text field and types into it (after selecting what is there). */
  async typeInto(target: Locator, text: string): Promise<void> {
    await this.tabTo(target);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.type(text);
  }

  /**
   * Tabs to the signing form's button, opens the dialog with Enter and signs in it by keyboard: the
   * focus is trapped in the dialog (Tab from the last control comes back to the first, Shift+Tab from
   * the first goes to the last), the key file is chosen with Space on the file field, the password typed,
   * «Открыть» pressed with Enter, the key's data shown with the focus on it, «Подписать» pressed with Enter. Waits for the page the signed form leads to.
   */
  async sign(button: Locator, personKey: string, type: 'AUTH' | 'SIGN' = 'SIGN'): Promise<void> {
    await this.tabTo(button);
    await this.page.keyboard.press('Enter');
    const dialog = this.page.locator('dialog[open]');
    await dialog.waitFor({ state: 'visible' });
    await this.p.checkA11y('signing-dialog');
    const file = dialog.locator('input[type="file"]');
    const handle = await file.elementHandle();
    // the dialog puts the focus on its first field
    expect((await this.check(handle, true)).isTarget).toBe(true);
    // focus stays inside: a full round of Tab and one of Shift+Tab come back to the key file field
    const controls = await dialog
      .locator('input:not([type="hidden"]), button, a[href], select, textarea')
      .filter({ visible: true })
      .count();
    for (let i = 0; i < controls; i++) {
      await this.page.keyboard.press('Tab');
      await this.check(null, true);
    }
    expect((await this.check(handle, true)).isTarget).toBe(true);
    for (let i = 0; i < controls; i++) {
      await this.page.keyboard.press('Shift+Tab');
      await this.check(null, true);
    }
    expect((await this.check(handle, true)).isTarget).toBe(true);

    const [chooser] = await Promise.all([
      this.page.waitForEvent('filechooser', { timeout: PAGE_TIMEOUT }),
      this.page.keyboard.press('Space'),
    ]);
    await chooser.setFiles(keyFile(this.dataDir, personKey, type));
    await this.tabTo(dialog.locator('input[type="password"]'), { dialogOnly: true, max: 5 });
    await this.page.keyboard.type('Qwerty12');
    // «Открыть»: the key's data comes in place of the key file's fields, the focus on its heading
    await this.tabTo(dialog.locator('button[type="submit"]').filter({ visible: true }), {
      dialogOnly: true,
      max: 5,
    });
    await this.page.keyboard.press('Enter');
    const data = dialog.locator('#eds-key-data');
    await data.waitFor({ state: 'visible' });
    expect(
      await this.page.evaluate(() => document.activeElement?.id),
      'the focus moves to the key data',
    ).toBe('eds-key-data-title');
    await this.p.checkA11y('signing-dialog-key-data');
    await this.tabTo(dialog.locator('button[type="submit"]').filter({ visible: true }), {
      dialogOnly: true,
      max: 5,
    });
    await Promise.all([
      this.page.waitForNavigation({ waitUntil: 'load' }),
      this.page.keyboard.press('Enter'),
    ]);
    await this.p.checkA11y();
  }
}

// axe-core run inside the page: the same as PortalPage's (test/support/browser.ts)
export { axeViolations, installAxe } from './browser.js';
