import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createTestContext, type TestContext } from './context.js';
import { createHttpServer } from '../../src/web/http-server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

export async function startPortal(
  ctx: TestContext,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(ctx.app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

interface ManifestEntry {
  key?: string;
  iin: string;
  auth: string;
  sign: string;
  status: string;
}

/** Path of a dev-stand person's key file (AUTH or SIGN) from var/keys/manifest.json. */
export function keyFile(dataDir: string, personKey: string, type: 'AUTH' | 'SIGN', status = 'valid'): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(dataDir, 'keys', 'manifest.json'), 'utf8'),
  ) as ManifestEntry[];
  const entry =
    manifest.find((m) => m.key === personKey && m.status === status) ??
    manifest.find((m) => m.key === personKey);
  if (!entry) throw new Error(`no keys for ${personKey}`);
  return path.join(dataDir, 'keys', type === 'AUTH' ? entry.auth : entry.sign);
}

export class AccessibilityError extends Error {}

/**
 * The bound of one wait for a state (an element, a page): far above what a page takes on a loaded
 * machine, so that only a page that never comes fails.
 */
export const PAGE_TIMEOUT = 60_000;

// ------------------------------------------------------------------ axe-core run inside the page

/**
 * axe-core parses every colour it reads from a computed style with colorjs.io (a new Color, a gamut
 * map and a conversion each time), and the same few strings («rgb(11, 12, 12)») come back thousands
 * of times in one run: about 30 % of a run's time on the portal's pages. The parse is a pure function
 * of the string, so the page keeps each string's channels and gives them back; a string axe cannot
 * parse still goes to axe every time (it records it and throws). The results are the same, rule for
 * rule and node for node (compared on seven of the portal's pages when this was added: 300 → 211 ms a
 * run; in test/e2e/msu.test.ts 178 → 126 ms a run, 2026-12-07).
 */
function rememberParsedColours(): void {
  const w = window as unknown as {
    axe?: { commons?: { color?: { Color?: { prototype: Record<string, unknown> } } } };
  };
  const proto = w.axe?.commons?.color?.Color?.prototype;
  if (!proto || typeof proto.parseString !== 'function') return;
  type Channels = { r: number; g: number; b: number; alpha: number };
  const parse = proto.parseString as (this: Channels, s: string) => Channels;
  const known = new Map<string, [number, number, number, number]>();
  proto.parseString = function (this: Channels, s: string): Channels {
    const c = known.get(s);
    if (c) {
      [this.r, this.g, this.b, this.alpha] = c;
      return this;
    }
    parse.call(this, s);
    known.set(s, [this.r, this.g, this.b, this.alpha]);
    return this;
  };
}

/** The axe-core that @axe-core/playwright bundles, with its colours remembered, put into every page of a context once. */
const axeSource = (() => {
  const fromHere = createRequire(import.meta.url);
  const fromAxePlaywright = createRequire(fromHere.resolve('@axe-core/playwright'));
  const axe = fs.readFileSync(fromAxePlaywright.resolve('axe-core/axe.min.js'), 'utf8');
  return `${axe}\n;(${rememberParsedColours.toString()})();`;
})();

/**
 * Makes axe-core present in every document the context opens, before the page's own scripts (an
 * init script is not subject to the page's CSP). Running it in the page is about 3× cheaper than
 * @axe-core/playwright's analyze(), which injects the source on every call and finishes the run in
 * a new page.
 */
export async function installAxe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: axeSource });
}

/** WCAG 2.2 A/AA and best practice, «region» off: the rules every page of the browser tier is checked with. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * What axe's result on a document depends on, read in the page: the markup (the values of hidden
 * inputs left out: a fresh CSRF token or signing challenge on every load, and no rule reads them,
 * since the user never sees them; and the marks govuk-frontend's script leaves on what it started),
 * the address (its path: every test file serves the app on its own port), what is typed, ticked or
 * chosen in the fields (not in the markup), the element with focus (and whether its ring shows), the
 * element under the mouse, the modal dialog, the viewport and the scroll position, the stylesheets
 * that applied (their paths and rules, counted) and the media features the context emulates.
 */
function documentState(): string {
  const root = document.documentElement.cloneNode(true) as HTMLElement;
  for (const el of Array.from(root.querySelectorAll('input[type="hidden"]'))) el.removeAttribute('value');
  // the mark govuk-frontend's script leaves on a component it started (data-govuk-button-init and its
  // kin): a state read before and after it is the same state (what the start changes besides is read)
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const a of Array.from(el.attributes)) {
      if (a.name.startsWith('data-govuk-') && a.name.endsWith('-init')) el.removeAttribute(a.name);
    }
  }
  const where = (el: Element | null): string => {
    const parts: string[] = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      parts.unshift(`${e.tagName}:${e.parentElement ? Array.from(e.parentElement.children).indexOf(e) : 0}`);
    }
    return parts.join('/');
  };
  const fields = Array.from(
    document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
      'input, textarea, select',
    ),
  ).map((el) =>
    el.type === 'hidden'
      ? ''
      : [
          el.value,
          el instanceof HTMLInputElement ? `${el.checked}${el.indeterminate}` : '',
          el instanceof HTMLSelectElement ? el.selectedIndex : '',
          el.validity.valid,
          el.matches(':user-invalid'),
        ].join('|'),
  );
  const sheets = Array.from(document.styleSheets).map((sh) => {
    try {
      return `${sh.href ? new URL(sh.href).pathname : 'inline'}:${sh.cssRules.length}:${sh.disabled}`;
    } catch {
      return `${sh.href ? new URL(sh.href).pathname : 'inline'}:unreadable`;
    }
  });
  const media = [
    '(prefers-color-scheme: dark)',
    '(forced-colors: active)',
    '(prefers-reduced-motion: reduce)',
    '(prefers-contrast: more)',
    '(print)',
  ]
    .map((q) => matchMedia(q).matches)
    .join(',');
  const hovered = Array.from(document.querySelectorAll(':hover')).pop() ?? null;
  const focus = document.activeElement;
  return [
    location.pathname + location.search + location.hash,
    root.outerHTML,
    fields.join('\u0001'),
    where(focus),
    focus?.matches(':focus-visible') ?? false,
    where(hovered),
    where(document.querySelector('dialog:modal')),
    `${innerWidth}x${innerHeight}@${devicePixelRatio} ${scrollX},${scrollY}`,
    sheets.join(' '),
    media,
  ].join('\u0000');
}

/**
 * The states of documents that passed axe in this run (in memory, and on disk in the run's folder so that
 * every test file sees them): the same state gives the same result, so it is not checked twice. A state
 * with violations is never recorded; it is checked, and fails, each time it comes.
 */
const passedStates = new Set<string>();
let passedStatesDir: string | undefined;

/** Shares the record of passed states with the run's other test files through `dataDir`. */
export function sharePassedAxeStates(dataDir: string): void {
  passedStatesDir = path.join(dataDir, 'axe-passed');
  fs.mkdirSync(passedStatesDir, { recursive: true });
}

function passedBefore(key: string): boolean {
  if (passedStates.has(key)) return true;
  if (passedStatesDir && fs.existsSync(path.join(passedStatesDir, key))) {
    passedStates.add(key);
    return true;
  }
  return false;
}

function recordPassed(key: string): void {
  passedStates.add(key);
  if (passedStatesDir) fs.writeFileSync(path.join(passedStatesDir, key), '');
}

/**
 * Runs axe-core in the page (the rules above, or only `tags`, within `include` when given) and returns
 * its violations, one line each (rule, impact, help, the first elements). A document axe is not in
 * (one written by setContent, a context not made by PortalPage.open) gets it first. A document in a
 * state that already passed in this run (see documentState) passes again without a second run.
 */
export async function axeViolations(
  page: Page,
  opts: { include?: string; tags?: string[] } = {},
): Promise<string[]> {
  const state = await page.evaluate(documentState);
  const key = createHash('sha256')
    .update(JSON.stringify([opts.include ?? null, opts.tags ?? AXE_TAGS, state]))
    .digest('hex');
  if (passedBefore(key)) return [];
  const violations = await runAxe(page, opts);
  if (violations.length === 0) recordPassed(key);
  return violations;
}

async function runAxe(page: Page, opts: { include?: string; tags?: string[] }): Promise<string[]> {
  const run = () =>
    page.evaluate(
      async ({ include, tags }) => {
        const w = window as unknown as {
          axe?: {
            run: (
              ctx: Document | { include: string[][] },
              opts: object,
            ) => Promise<{
              violations: { id: string; impact?: string; help: string; nodes: { target: string[] }[] }[];
            }>;
          };
        };
        if (!w.axe) return null;
        const res = await w.axe.run(include ? { include: [[include]] } : document, {
          runOnly: { type: 'tag', values: tags },
          rules: { region: { enabled: false } },
          resultTypes: ['violations'],
          // the messages name elements by their selector; axe's copy of each node's markup is not read
          // (7 % of a run)
          noHtml: true,
        });
        return res.violations.map(
          (v) =>
            `${v.id} (${v.impact ?? ''}): ${v.help}\n    ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 5)
              .join('\n    ')}`,
        );
      },
      { include: opts.include ?? null, tags: opts.tags ?? AXE_TAGS },
    );
  const first = await run();
  if (first) return first;
  await page.evaluate(axeSource);
  const again = await run();
  if (!again) throw new Error(`axe-core could not be put into ${page.url()}`);
  return again;
}

// ------------------------------------------------------------------ pages kept for the next user

/**
 * A new page costs Chromium about 0.9 s of CPU (a renderer process, then axe and the portal's
 * assets compiled cold) against 0.15 s for the next page in the same one: closing a PortalPage keeps
 * its page for the file's next PortalPage with the same options, wiped as a browser is between two
 * people: on about:blank, no cookies (the session, the language), no permissions, no routes, its
 * viewport and timeouts as made. A page is not kept when the test gave it anything else to carry: a
 * listener of its own, a second page in its context, a closed page or browser.
 */
const idlePages = new WeakMap<Browser, Map<string, Page[]>>();
interface Made {
  listeners: number;
  viewport: { width: number; height: number } | null;
}
const madeAs = new WeakMap<Page, Made>();
const PAGE_EVENTS = [
  'close',
  'console',
  'crash',
  'dialog',
  'domcontentloaded',
  'download',
  'filechooser',
  'frameattached',
  'framedetached',
  'framenavigated',
  'load',
  'pageerror',
  'popup',
  'request',
  'requestfailed',
  'requestfinished',
  'response',
  'websocket',
  'worker',
];
function listenersOf(page: Page): number {
  const p = page as unknown as { listenerCount: (e: string) => number };
  return PAGE_EVENTS.reduce((n, e) => n + p.listenerCount(e), 0);
}

/** A page on a context of these options with axe in it: one kept from a closed PortalPage, or a new one. */
export async function takePage(
  browser: Browser,
  options: { locale: string; viewport?: { width: number; height: number } },
): Promise<{ page: Page; release: () => Promise<void> }> {
  const key = JSON.stringify(options);
  const pool = idlePages.get(browser) ?? new Map<string, Page[]>();
  idlePages.set(browser, pool);
  const idle = pool.get(key) ?? [];
  pool.set(key, idle);
  let page = idle.pop();
  while (page && page.isClosed()) page = idle.pop();
  if (!page) {
    const context = await browser.newContext(options);
    await installAxe(context);
    page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT);
    madeAs.set(page, { listeners: listenersOf(page), viewport: page.viewportSize() });
  }
  const taken = page;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    const context = taken.context();
    const made = madeAs.get(taken);
    const keep =
      made !== undefined &&
      browser.isConnected() &&
      !taken.isClosed() &&
      context.pages().length === 1 &&
      listenersOf(taken) === made.listeners;
    if (keep) {
      try {
        await taken.goto('about:blank');
        await context.clearCookies();
        await context.clearPermissions();
        await taken.unrouteAll({ behavior: 'ignoreErrors' });
        await context.unrouteAll({ behavior: 'ignoreErrors' });
        const size = taken.viewportSize();
        if (made.viewport && (size?.width !== made.viewport.width || size?.height !== made.viewport.height))
          await taken.setViewportSize(made.viewport);
        taken.setDefaultTimeout(PAGE_TIMEOUT);
        taken.setDefaultNavigationTimeout(PAGE_TIMEOUT);
        idle.push(taken);
        return;
      } catch {
        // a page that cannot be wiped is not kept
      }
    }
    await context.close().catch(() => undefined);
  };
  return { page: taken, release };
}

/**
 * The base page object: every page it lands on is checked with axe-core (WCAG 2.2 A/AA) and any
 * violation fails the test, naming the rule, the page and the elements.
 */
export class PortalPage {
  /** set by open(): gives the page back for the next PortalPage instead of closing its context */
  protected release: (() => Promise<void>) | null = null;
  private checked = new Set<string>();
  /** the signing dialog's states already checked: the same dialog on every page, checked once per page object */
  private dialogChecked = new Set<string>();
  constructor(
    public readonly page: Page,
    public readonly baseUrl: string,
    private readonly dataDir: string,
  ) {}

  static async open(
    browser: Browser,
    baseUrl: string,
    dataDir: string,
    opts: { lang?: string } = {},
  ): Promise<PortalPage> {
    const { page, release } = await takePage(browser, {
      locale: opts.lang === 'en' ? 'en-US' : opts.lang === 'kk' ? 'kk-KZ' : 'ru-RU',
    });
    const p = new PortalPage(page, baseUrl, dataDir);
    p.release = release;
    return p;
  }

  async goto(pathname: string): Promise<void> {
    await this.page.goto(this.baseUrl + pathname, { waitUntil: 'load' });
    await this.checkA11y();
  }

  /** Runs axe on the current page (once per distinct URL and state label). */
  async checkA11y(label = ''): Promise<void> {
    const key = this.page.url() + '#' + label;
    if (this.checked.has(key)) return;
    this.checked.add(key);
    const violations = await axeViolations(this.page);
    if (violations.length > 0) {
      const detail = violations.join('\n  ');
      throw new AccessibilityError(`axe violations on ${this.page.url()} ${label}:\n  ${detail}`);
    }
  }

  /** Clicks and, when that navigates, checks the new page. */
  async click(selector: string): Promise<void> {
    const before = this.page.url();
    await this.page.locator(selector).first().click();
    await this.page.waitForLoadState('load');
    if (this.page.url() !== before) await this.checkA11y();
  }

  async clickButton(name: string | RegExp): Promise<void> {
    const before = this.page.url();
    await this.page.getByRole('button', { name }).first().click();
    await this.page.waitForLoadState('load');
    if (this.page.url() !== before) await this.checkA11y();
  }

  async clickLink(name: string | RegExp): Promise<void> {
    await Promise.all([
      this.page.waitForURL((u) => u.toString() !== '', { waitUntil: 'load' }),
      this.page.getByRole('link', { name }).first().click(),
    ]);
    await this.checkA11y();
  }

  /**
   * Opens a key in the signing dialog: chooses the person's key file (or `file`), types the password,
   * «Открыть»; waits for the key's data (step 2 of the dialog) and checks it with axe, unless
   * `expectKeyData` is false (a wrong password: the dialog stays on step 1 with its message).
   */
  async openKeyInDialog(
    personKey: string,
    type: 'AUTH' | 'SIGN',
    opts: { password?: string; status?: string; file?: string; expectKeyData?: boolean } = {},
  ): Promise<Locator> {
    const dialog = this.page.locator('dialog[open]');
    await dialog.waitFor({ state: 'visible' });
    await this.checkDialog('signing-dialog');
    await dialog
      .locator('input[type="file"]')
      .setInputFiles(opts.file ?? keyFile(this.dataDir, personKey, type, opts.status));
    await dialog.locator('input[type="password"]').fill(opts.password ?? 'Qwerty12');
    // «Открыть»: the one submit button of step 1 (step 2 and its «Подписать» are hidden)
    await dialog.locator('button[type="submit"]:visible').click();
    const data = dialog.locator('#eds-key-data');
    if (opts.expectKeyData === false) return data;
    await data.waitFor({ state: 'visible' });
    await this.checkDialog('signing-dialog-key-data');
    return data;
  }

  /** axe on a state of the signing dialog, once per page object (the page behind it is checked on its own). */
  private async checkDialog(label: string): Promise<void> {
    if (this.dialogChecked.has(label)) return;
    this.dialogChecked.add(label);
    await this.checkA11y(label);
  }

  /**
   * Answers the in-page signing dialog: chooses the person's key file, types the password, «Открыть»,
   * reads the key's data, «Подписать». Call after the click that opened it; waits for the page the
   * signed form leads to (unless `expectNavigation` is false).
   */
  async signInDialog(
    personKey: string,
    type: 'AUTH' | 'SIGN',
    opts: { password?: string; expectNavigation?: boolean } = {},
  ): Promise<void> {
    const dialog = this.page.locator('dialog[open]');
    await this.openKeyInDialog(personKey, type, opts);
    const sign = dialog.locator('button[type="submit"]:visible');
    if (opts.expectNavigation === false) {
      await sign.click();
      return;
    }
    // the wait starts at the click that posts, not before the dialog's own checks (axe is slow on a busy machine)
    await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), sign.click()]);
    await this.checkA11y();
  }

  /** Presses the signing form's button (by its label) and signs in the dialog. */
  async sign(buttonName: string | RegExp, personKey: string, type: 'AUTH' | 'SIGN' = 'SIGN'): Promise<void> {
    await this.page.getByRole('button', { name: buttonName }).first().click();
    await this.signInDialog(personKey, type);
  }

  /** Logs in through the login page with the person's AUTH key; passes the welcome letter. */
  async loginAs(personKey: string, opts: { actForName?: string | RegExp } = {}): Promise<void> {
    await this.goto('/login');
    await this.sign(/ЭЦП|EDS|ЭЦҚ/, personKey, 'AUTH');
    if (this.page.url().endsWith('/welcome')) {
      await this.clickButton(/Далее|Next|Әрі қарай/);
    }
    if (this.page.url().endsWith('/act-for')) {
      if (opts.actForName) await this.page.getByLabel(opts.actForName).check();
      else await this.page.locator('#principal-self').check();
      await this.clickButton(/Продолжить|Continue|Жалғастыру/);
    }
  }

  async text(): Promise<string> {
    return this.page.locator('main').innerText();
  }

  async close(): Promise<void> {
    const release = this.release;
    this.release = null;
    if (release) await release();
    else await this.page.context().close();
  }
}

export interface BrowserStand {
  /** the test file's database, app and clock */
  readonly ctx: TestContext;
  readonly baseUrl: string;
  readonly browser: Browser;
  /** a new browser context and page on the portal, every page it lands on checked by axe */
  open(opts?: { lang?: string }): Promise<PortalPage>;
}

/**
 * The browser tier's stand for one test file: a fresh database and app served on a free port, and
 * Chromium; started before the file's tests and closed after them.
 */
export function useBrowserStand(env: Record<string, string> = {}): BrowserStand {
  let ctx: TestContext | undefined;
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  let browser: Browser | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`the browser stand is not started (${what})`);
    return v;
  };
  beforeAll(async () => {
    ctx = await createTestContext(env);
    sharePassedAxeStates(ctx.dataDir);
    portal = await startPortal(ctx);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await ctx?.close();
  });
  return {
    get ctx() {
      return need(ctx, 'ctx');
    },
    get baseUrl() {
      return need(portal, 'portal').baseUrl;
    },
    get browser() {
      return need(browser, 'browser');
    },
    open: (opts = {}) =>
      PortalPage.open(
        need(browser, 'browser'),
        need(portal, 'portal').baseUrl,
        need(ctx, 'ctx').dataDir,
        opts,
      ),
  };
}

// ------------------------------------------------------------------ steps shared by the e2e journeys

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** An accessible name that is exactly s. */
export const exact = (s: string) => new RegExp(`^${escapeRegExp(s)}$`);
/** An accessible name that starts with s. */
export const starts = (s: string) => new RegExp(`^${escapeRegExp(s)}`);
/** A button or link «Label: what» whose second part is visually hidden (Chromium may put a space before the colon). */
export const named = (label: string, what: string) =>
  new RegExp(`^${escapeRegExp(label)}\\s*:\\s*${escapeRegExp(what)}`);

/** Presses a button that navigates; checks the new page (under the state label). */
export async function press(p: PortalPage, name: string | RegExp, label = ''): Promise<void> {
  await Promise.all([
    p.page.waitForNavigation({ waitUntil: 'load' }),
    p.page.getByRole('button', { name }).first().click(),
  ]);
  await p.checkA11y(label);
}

/** Follows a link; checks the new page. */
export async function follow(p: PortalPage, name: string | RegExp): Promise<void> {
  await Promise.all([
    p.page.waitForNavigation({ waitUntil: 'load' }),
    p.page.getByRole('link', { name }).first().click(),
  ]);
  await p.checkA11y();
}

type Dict = { [k: string]: string | Dict };

/**
 * The words a user of that language reads, from locales/<lang>/: by "namespace:dotted.key", or by
 * "dotted.key" within `ns` when it is given. The journeys find buttons and statuses by these words.
 */
export function localeTexts(lang: string, ns?: string): (key: string) => string {
  const cache = new Map<string, Dict>();
  return (key: string): string => {
    const [space, rest] = ns ? [ns, key] : (key.split(':') as [string, string]);
    if (!cache.has(space))
      cache.set(
        space,
        JSON.parse(fs.readFileSync(path.join('locales', lang, `${space}.json`), 'utf8')) as Dict,
      );
    const v = rest
      .split('.')
      .reduce<string | Dict | undefined>(
        (o, k) => (typeof o === 'object' ? o[k] : undefined),
        cache.get(space),
      );
    if (typeof v !== 'string') throw new Error(`no ${lang} text ${space}:${rest}`);
    return v;
  };
}
