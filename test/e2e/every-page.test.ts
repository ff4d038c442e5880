/**
 * Every page every role can reach, in every language, at 200 % zoom (640 CSS px): a crawler that logs
 * each role in through the real login page, follows the same-origin links from the role's start pages
 * (one page per route: id-like path segments count as one), and on every page checks what a user would
 * notice — axe-core WCAG 2.2 A/AA violations, horizontal scrolling, targets smaller than 24×24 px,
 * an untranslated i18n key (or i18next's «returned an object» sentence) shown instead of text, a
 * stylesheet that did not load or apply, a server error or a broken link. The pages found in
 * Russian are then visited again in Kazakh and English (the language switch's cookie).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { PortalPage } from '../support/browser.js';
import { PAGE_TIMEOUT, exact, follow, named, press, useBrowserStand } from '../support/browser.js';
import {
  ZOOM_VIEWPORT,
  ZoomPage,
  assertNoHorizontalScroll,
  assertTouchTargets,
  axeViolations,
  installAxe,
} from '../support/a11y.js';

const stand = useBrowserStand();

const LANGS = ['ru', 'kk', 'en'] as const;
/** enough for every route of the largest cabinet (the administrator's) */
const MAX_PAGES_PER_ROLE = 45;

interface Role {
  name: string;
  person?: string;
  actFor?: RegExp;
  start: string[];
  /** the least number of distinct pages the crawl must find: it cannot pass by finding nothing */
  atLeast: number;
  /** what the role does first, so that its pages have something to show (orders and their cards) */
  prepare?: (p: PortalPage) => Promise<void>;
}

/**
 * The recipient orders a sign-language specialist (s01's) and a prosthesis (e05's supplier) the way the
 * journeys do, so that the order cards — and the specialist's and the supplier's order pages — exist.
 */
async function orderServiceAndGoods(p: PortalPage): Promise<void> {
  await p.goto('/services/uzhya/specialists');
  await press(p, named('Заказать', 'БАЙМУХАМЕДОВА'));
  await p.page.getByLabel('Номер телефона').fill('+7 701 555 12 34');
  await p.sign(exact('Создать'), 'r01');
  await press(p, exact('Подтвердить'));
  await p.sign(exact('Подписать'), 'r01');
  await p.goto('/goods/TSR_PROSTHESIS');
  await follow(p, named('Заказать', 'Протез голени модульный «Ортомед-М2»'));
  await p.page.getByLabel('В стационаре', { exact: true }).check();
  await p.page.getByLabel('Стационар поставщика').selectOption({ index: 1 });
  await p.sign(exact('Создать'), 'r01');
  await p.sign(exact('Подтвердить'), 'r01');
}

const ROLES: Role[] = [
  { name: 'anonymous', start: ['/', '/login', '/queue-check'], atLeast: 8 },
  {
    name: 'recipient',
    person: 'r01',
    start: ['/cabinet', '/help', '/goods'],
    atLeast: 20,
    prepare: orderServiceAndGoods,
  },
  {
    name: 'guardian acting for a ward',
    person: 'g04',
    actFor: /КУЗНЕЦОВ(?!А)/,
    start: ['/cabinet', '/help'],
    atLeast: 12,
  },
  { name: 'specialist', person: 's01', start: ['/specialist/orders'], atLeast: 7 },
  { name: 'supplier employee', person: 'e05', start: ['/supplier'], atLeast: 7 },
  { name: 'МСУ staff', person: 'e01', start: ['/institution'], atLeast: 4 },
  { name: 'administrator and contact-centre operator', person: 'a01', start: ['/admin'], atLeast: 20 },
];

/** What is not a page: the language and low-vision switches, downloads, files, the dev keys. */
const NOT_A_PAGE =
  /([?&]lang=)|^\/settings\/low-vision|^\/logout|^\/session\/|^\/dev\/keys\/|\.(csv|pdf|xml|json|p12|png|jpe?g|svg|mp4|webm)$|\/(pdf|xml|file|files|photos|media)(\/|$)/;

/** One route, one visit: numeric ids, order and request numbers, codes of help types count as one. */
function routeOf(pathname: string): string {
  return pathname
    .split('/')
    .map((s) =>
      /^\d+$/.test(s) ||
      /^[A-Z][A-Z0-9_]+$/.test(s) ||
      /^[A-ZА-Я]{1,4}-[\d-]+$/.test(s) ||
      /^[0-9a-f-]{16,}$/i.test(s)
        ? ':id'
        : s,
    )
    .join('/');
}

/** The first segments of every key in the locale files: "status.new_status" on a page is a missing key. */
function keyRoots(): Set<string> {
  const roots = new Set<string>();
  for (const f of fs.readdirSync(path.join('locales', 'ru'))) {
    const d = JSON.parse(fs.readFileSync(path.join('locales', 'ru', f), 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(d)) if (typeof v === 'object') roots.add(k);
  }
  return roots;
}
const ROOTS = keyRoots();
const NAMESPACES = fs.readdirSync(path.join('locales', 'ru')).map((f) => f.replace(/\.json$/, ''));
const NS_KEY = new RegExp(`\\b(?:${NAMESPACES.join('|')}):[a-zA-Z_]+(?:\\.[\\w]+)*`, 'g');

async function untranslatedKeys(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    // the words on the page; codes and documents quoted as they are (<code>, <pre>) are not texts
    const out = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement?.closest('code, pre, script, style, [hidden]')) out.push(n.textContent ?? '');
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label], [title], [alt], [placeholder]'))) {
      for (const a of ['aria-label', 'title', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out.join('\n');
  });
  const found = new Set<string>();
  for (const m of texts.matchAll(
    /(?<![\w@/.-])([a-z][A-Za-z0-9]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?![\w@/-])/g,
  )) {
    if (ROOTS.has(m[1]!)) found.add(m[0]);
  }
  for (const m of texts.matchAll(NS_KEY)) found.add(m[0]);
  // what i18next shows for a key that names a group of texts
  for (const m of texts.matchAll(/key '[^']*' returned an object instead of string\.?/g)) found.add(m[0]);
  return [...found];
}

/**
 * The portal's stylesheet reached the page and applies: every stylesheet link loaded with rules, and
 * the header has the border only app.css gives it (an unstyled page passes axe and reflows fine).
 */
async function stylesheetProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const links = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]'));
    if (!links.some((l) => l.getAttribute('href') === '/assets/build/app.css'))
      out.push('no link to /assets/build/app.css');
    for (const l of links) {
      let rules = 0;
      try {
        rules = l.sheet?.cssRules.length ?? 0;
      } catch {
        rules = 0;
      }
      if (rules === 0) out.push(`stylesheet ${l.getAttribute('href')} did not load`);
    }
    const header = document.querySelector('.portal-header');
    if (!header || getComputedStyle(header).borderBottomWidth !== '8px')
      out.push('the portal header is not styled (app.css does not apply)');
    return out;
  });
}

interface Visit {
  links: string[];
  problems: string[];
  page: boolean;
}

/** Opens one URL and checks it; returns the same-origin links it offers. */
async function visit(page: Page, url: string): Promise<Visit> {
  let response;
  try {
    response = await page.goto(stand.baseUrl + url, { waitUntil: 'load' });
  } catch (e) {
    if (/Download is starting/.test(String(e))) return { links: [], problems: [], page: false };
    throw e;
  }
  if (!response) return { links: [], problems: [], page: false };
  if (!(response.headers()['content-type'] ?? '').startsWith('text/html'))
    return { links: [], problems: [], page: false };
  const problems: string[] = [];
  if (response.status() >= 400) problems.push(`HTTP ${response.status()}`);
  problems.push(...(await axeViolations(page)));
  for (const check of [assertNoHorizontalScroll, assertTouchTargets]) {
    try {
      await check(page);
    } catch (e) {
      problems.push((e as Error).message.replace(/^\S+ /, ''));
    }
  }
  problems.push(...(await stylesheetProblems(page)));
  const keys = await untranslatedKeys(page);
  if (keys.length) problems.push(`untranslated keys: ${keys.join(', ')}`);
  const links = await page.evaluate(() =>
    Array.from(document.querySelectorAll('a[href]'))
      .map((a) => new URL((a as HTMLAnchorElement).href, location.href))
      .filter((u) => u.origin === location.origin)
      .map((u) => u.pathname + u.search),
  );
  return { links, problems, page: true };
}

/**
 * Pages outside the cabinets (open data, instructions, support, signed documents, the start page) look
 * the same to every role: each is checked once per language, by the first role that reaches it.
 */
const CABINETS = /^\/(cabinet|help|msu|services|goods|specialist|supplier|institution|admin|act-for)(\/|$)/;
const sharedChecked = new Map<string, Set<string>>(LANGS.map((l) => [l, new Set<string>()]));

/** Logs the role in through the login page once; returns a context per language sharing that session. */
async function loggedIn(role: Role): Promise<Map<string, BrowserContext>> {
  const p = await ZoomPage.openZoomed(stand.browser, stand.baseUrl, stand.ctx.dataDir);
  if (role.person) {
    await p.loginAs(role.person, role.actFor ? { actForName: role.actFor } : {});
    if (role.prepare) await role.prepare(p);
  }
  const first = p.page.context();
  const state = await first.storageState();
  await first.close();
  const contexts = new Map<string, BrowserContext>();
  for (const lang of LANGS) {
    const context = await stand.browser.newContext({ storageState: state, viewport: ZOOM_VIEWPORT });
    await context.addCookies([{ name: 'lang', value: lang, url: stand.baseUrl }]);
    await installAxe(context);
    contexts.set(lang, context);
  }
  return contexts;
}

/** Follows the links breadth-first from the start pages, one URL per route; checks every page found. */
async function crawl(role: Role, lang: string, context: BrowserContext) {
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT);
  const shared = sharedChecked.get(lang)!;
  const problems: string[] = [];
  const routes: string[] = [];
  const seen = new Set<string>();
  const queue = [...role.start];
  for (const u of queue) seen.add(routeOf(new URL(u, stand.baseUrl).pathname));
  while (queue.length > 0 && routes.length < MAX_PAGES_PER_ROLE) {
    const url = queue.shift()!;
    const route = routeOf(url.split('?')[0]!);
    const v = await visit(page, url);
    if (!v.page) continue;
    routes.push(route);
    if (!CABINETS.test(route)) shared.add(route);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    for (const p of v.problems) problems.push(`${lang} ${url}: ${p}`);
    for (const link of v.links) {
      const pathname = link.split('?')[0]!;
      if (NOT_A_PAGE.test(link) || NOT_A_PAGE.test(pathname)) continue;
      const next = routeOf(pathname);
      if (seen.has(next) || (!CABINETS.test(next) && shared.has(next))) continue;
      seen.add(next);
      queue.push(link);
    }
  }
  await page.close();
  return { routes, problems };
}

describe('every page of every role in ru, kk and en at 640 px: axe, reflow, targets, styles, translations, no errors', () => {
  for (const role of ROLES) {
    // a role's three languages take minutes on a busy machine (the administrator's 25 routes × 3)
    it(role.name, { timeout: 600_000 }, async () => {
      const contexts = await loggedIn(role);
      try {
        // the three languages at once, each in its own context with the same session
        const results = await Promise.all(LANGS.map((lang) => crawl(role, lang, contexts.get(lang)!)));
        const ru = results[0]!;
        console.log(
          `${role.name}: ${ru.routes.length} routes × ${LANGS.length} languages: ${ru.routes.join(' ')}`,
        );
        expect(ru.routes.length).toBeGreaterThanOrEqual(role.atLeast);
        for (const r of results.slice(1)) expect(r.routes).toEqual(ru.routes);
        expect(results.flatMap((r) => r.problems)).toEqual([]);
      } finally {
        for (const c of contexts.values()) await c.close();
      }
    });
  }
});
