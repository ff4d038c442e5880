/**
 * public/js/eds-signer.js in a real Chromium against a minimal server (node:http, strict CSP):
 * the .p12 dialog path (prepare → forge signs → completeSignature → form posts signedXml) and its
 * refusals, and the NCALayer path against a stand-in NCALayer (wss on a random port, named by the
 * form's data-eds-ncalayer-url; the real default is wss://127.0.0.1:13579).
 * Skipped when Chromium is not installed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { axeViolations } from '../../support/browser.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDocument } from '../../../src/eds/documents.js';
import { EdsError } from '../../../src/eds/errors.js';
import { devPkiPaths, loadManifest } from '../../../src/devstand/pki.js';
import { prepareSignature, signXml } from '../../../src/eds/signer.js';
import { verifySignedXml } from '../../../src/eds/verify.js';
import { setupPki, type Pki } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const ROOT = path.resolve(import.meta.dirname, '../../..');

const I18N: Record<string, string> = {
  'dialog-title': 'Подписание документа ЭЦП',
  'dialog-title-auth': 'Вход с помощью ЭЦП',
  'choose-key': 'Выберите ЭЦП',
  'choose-key-hint': 'Файл ключа .p12',
  password: 'Пароль на хранилище ключей',
  sign: 'Подписать',
  cancel: 'Отмена',
  working: 'Подписание…',
  'no-file': 'Выберите файл ключа',
  'no-password': 'Введите пароль',
  'wrong-password': 'Неверный пароль на хранилище ключей',
  'wrong-key-auth': 'Для входа выберите ключ AUTH_RSA…',
  'wrong-key-sign': 'Для подписания выберите ключ RSA…',
  expired: 'Срок действия сертификата истёк',
  'not-yet-valid': 'Сертификат ещё не действует',
  cancelled: 'Подписание отменено',
  'ncalayer-absent': 'NCALayer не найден — подпишите ключом из файла',
  'prepare-failed': 'Не удалось подготовить документ',
  'unsupported-key': 'Ключ не поддерживается',
  open: 'Открыть',
  opening: 'Открытие ключа…',
  preparing: 'Подготовка документа…',
  'key-data': 'Данные выбранного ключа',
  'key-opened': 'Ключ открыт:',
  'key-fits': 'Ключ подходит.',
  owner: 'Владелец',
  iin: 'ИИН',
  organisation: 'Организация',
  bin: 'БИН',
  'key-type': 'Тип ключа',
  'type-auth': 'Для входа (AUTH_RSA)',
  'type-sign': 'Для подписания (RSA)',
  'type-unknown': 'Неизвестный',
  issuer: 'Издатель',
  validity: 'Срок действия',
  'other-key': 'Выбрать другой ключ',
  'unknown-type': 'Ключ не для входа и не для подписания',
  'legal-entity': 'Это ключ юридического лица',
  'not-employee': 'Это личный ключ',
};

interface Issued {
  xml: string;
  keyType: 'AUTH' | 'SIGN';
}

let pki: Pki;
let server: http.Server;
let base: string;
let browser: Browser;
const issued = new Map<string, Issued>();
const results: Array<{ ok: boolean; code?: string; iin?: string; hadXml: boolean }> = [];
const steps: Array<{ reason: string; json: boolean; csrf: string }> = [];
let prepares = 0;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** where the page looks for NCALayer: a closed port unless a test starts the stand-in */
let ncaLayerUrl = 'wss://127.0.0.1:1/';

function page(id: string, keyType: 'AUTH' | 'SIGN', xml: string): string {
  const i18n = Object.entries(I18N)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  return `<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Подписание</title>
<script src="/forge.min.js" defer></script><script src="/eds-signer.js" defer></script></head>
<body><main><h1>Документ</h1>
<form method="post" action="/submit" data-eds-sign="${keyType}" data-eds-signer="${keyType === 'AUTH' ? 'any' : 'individual'}" data-eds-ncalayer-url="${ncaLayerUrl}">
<input type="hidden" name="_csrf" value="csrf-token-1">
<input type="hidden" name="signRequestId" value="${id}">
<input type="hidden" name="xml" value="${esc(xml)}">
<button type="submit">${keyType === 'AUTH' ? 'Войти с ЭЦП' : 'Подписать документ'}</button>
</form>
<form method="post" action="/step" data-eds-issue="SIGN" data-eds-ncalayer-url="${ncaLayerUrl}" novalidate>
<input type="hidden" name="_csrf" value="csrf-token-1">
<label for="reason">Причина</label><input id="reason" name="reason">
<button type="submit">Отказаться</button>
</form></main><div id="eds-i18n" hidden${i18n}></div></body></html>`;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', base);
  res.setHeader(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' wss://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'self'",
  );
  void (async () => {
    if (url.pathname === '/forge.min.js' || url.pathname === '/eds-signer.js') {
      const file =
        url.pathname === '/forge.min.js'
          ? path.join(ROOT, 'node_modules/node-forge/dist/forge.min.js')
          : path.join(ROOT, 'public/js/eds-signer.js');
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(fs.readFileSync(file));
      return;
    }
    if (url.pathname === '/doc') {
      const keyType = url.searchParams.get('type') === 'AUTH' ? 'AUTH' : 'SIGN';
      const id = `req-${issued.size + 1}`;
      const xml =
        keyType === 'AUTH'
          ? renderDocument('auth-challenge', {
              object: { type: 'login', id, version: 1 },
              fields: { nonce: id },
            })
          : renderDocument('order', {
              actorIin: pki.person('r01').iin,
              object: { type: 'msu-application', id, version: 1 },
              fields: { title: 'Направление «№ 1» & <тест>', note: 'строка 1\nстрока 2' },
            });
      issued.set(id, { xml, keyType });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(id, keyType, xml));
      return;
    }
    if (url.pathname === '/step' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const reason = form.get('reason') ?? '';
      const wantsJson = req.headers['x-eds-issue'] === '1';
      steps.push({ reason, json: wantsJson, csrf: form.get('_csrf') ?? '' });
      if (!reason || !wantsJson) {
        // a form error (or a post without JavaScript): the server's page
        res.writeHead(reason ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!DOCTYPE html><html lang="ru"><head><title>Шаг</title></head><body><main><p id="result">PAGE ${reason ? 'sign' : 'error'}</p></main></body></html>`,
        );
        return;
      }
      const id = `req-${issued.size + 1}`;
      const xml = renderDocument('refusal', {
        actorIin: pki.person('r01').iin,
        object: { type: 'msu-order', id, version: 1 },
        fields: { reason },
      });
      issued.set(id, { xml, keyType: 'SIGN' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ signRequestId: id, xml, keyType: 'SIGN', signer: 'individual', action: '/submit' }),
      );
      return;
    }
    if (url.pathname === '/eds/prepare' && req.method === 'POST') {
      prepares += 1;
      const body = JSON.parse(await readBody(req)) as { signRequestId: string; certPem: string };
      const request = issued.get(body.signRequestId);
      if (req.headers['x-csrf-token'] !== 'csrf-token-1' || !request) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'forbidden', message: 'Доступ запрещён' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(prepareSignature(request.xml, body.certPem)));
      return;
    }
    if (url.pathname === '/submit' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const request = issued.get(form.get('signRequestId') ?? '');
      let outcome: (typeof results)[number];
      try {
        if (!request) throw new Error('no request');
        const v = verifySignedXml(form.get('signedXml') ?? '', {
          trust: pki.trust,
          expect: request.keyType,
          subject: 'any',
          issuedXml: request.xml,
        });
        outcome = { ok: true, iin: v.cert.iin, hadXml: form.has('xml') };
      } catch (e) {
        outcome = { ok: false, code: e instanceof EdsError ? e.code : String(e), hadXml: form.has('xml') };
      }
      results.push(outcome);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html><html lang="ru"><head><title>Результат</title></head><body><main><p id="result">${outcome.ok ? 'OK' : 'FAIL'} ${outcome.iin ?? outcome.code}</p></main></body></html>`,
      );
      return;
    }
    res.writeHead(404);
    res.end();
  })().catch((e: unknown) => {
    res.writeHead(500);
    res.end(String(e));
  });
}

function keyFile(person: string, type: 'AUTH' | 'SIGN'): string {
  const e = loadManifest(pki.dataDir).find((x) => x.key === person);
  if (!e) throw new Error(person);
  return path.join(devPkiPaths(pki.dataDir).keysDir, type === 'AUTH' ? e.auth : e.sign);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

async function openDoc(p: Page, type: 'AUTH' | 'SIGN'): Promise<void> {
  await p.goto(`${base}/doc?type=${type}`);
  await p.waitForFunction(() => document.readyState === 'complete');
  await p.getByRole('button', { name: type === 'AUTH' ? 'Войти с ЭЦП' : 'Подписать документ' }).click();
}

/** Step 1 of the dialog: the key file, its password, «Открыть». */
async function openKey(p: Page, person: string, type: 'AUTH' | 'SIGN', password = 'Qwerty12'): Promise<void> {
  const dialog = p.locator('dialog[open]');
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByLabel('Выберите ЭЦП').setInputFiles(keyFile(person, type));
  await dialog.getByLabel('Пароль на хранилище ключей').fill(password);
  await dialog.getByRole('button', { name: 'Открыть' }).click();
}

/** Both steps: open the key, read its data, «Подписать». */
async function fillDialog(p: Page, person: string, type: 'AUTH' | 'SIGN'): Promise<void> {
  await openKey(p, person, type);
  const dialog = p.locator('dialog[open]');
  await dialog.locator('#eds-key-data').waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: 'Подписать' }).click();
}

beforeAll(async () => {
  if (!hasChromium) return;
  pki = await setupPki(['r01', 'r02']);
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--ignore-certificate-errors', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  pki?.cleanup();
});

describe.skipIf(!hasChromium)('browser signer: the .p12 dialog (no NCALayer)', () => {
  it('signs a document in the page; the server verifies the posted signedXml; xml is not posted', async () => {
    const p = await newPage();
    try {
      await openDoc(p, 'SIGN');
      const dialog = p.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.getByRole('heading').innerText()).toBe('Подписание документа ЭЦП');
      expect(await dialog.innerText()).toContain('NCALayer не найден');
      // focus is inside the modal dialog, and axe finds nothing to complain about
      expect(await p.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
      const axe = await axeViolations(p, {
        include: 'dialog',
        tags: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'],
      });
      expect(axe).toEqual([]);
      await openKey(p, 'r01', 'SIGN');
      // step 2: the key's data, the focus on it, axe content, then «Подписать»
      const data = dialog.locator('#eds-key-data');
      await data.waitFor({ state: 'visible' });
      expect(await p.evaluate(() => document.activeElement?.id)).toBe('eds-key-data-title');
      const shown = await data.innerText();
      const iin = pki.person('r01').iin;
      expect(shown).toContain(`${iin.slice(0, 4)}******${iin.slice(10)}`);
      expect(shown).not.toContain(iin);
      expect(shown).toContain(I18N['type-sign']);
      expect(shown).toMatch(/\d{2}\.\d{2}\.\d{4} — \d{2}\.\d{2}\.\d{4}/);
      const axe2 = await axeViolations(p, {
        include: 'dialog',
        tags: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'],
      });
      expect(axe2).toEqual([]);
      await dialog.getByRole('button', { name: 'Подписать' }).click();
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r01').iin}`);
      expect(results.at(-1)).toEqual({ ok: true, iin: pki.person('r01').iin, hadXml: false });
    } finally {
      await p.context().close();
    }
  });

  it('logs in with an AUTH key', async () => {
    const p = await newPage();
    try {
      await openDoc(p, 'AUTH');
      expect(await p.locator('dialog[open] h2').innerText()).toBe('Вход с помощью ЭЦП');
      await fillDialog(p, 'r02', 'AUTH');
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r02').iin}`);
    } finally {
      await p.context().close();
    }
  });

  it('says clearly: wrong key type, wrong password, expired key, missing file; nothing is sent; cancel closes', async () => {
    const p = await newPage();
    try {
      await openDoc(p, 'SIGN');
      const dialog = p.locator('dialog[open]');
      const alert = dialog.locator('#eds-dialog-error');
      const problems = dialog.locator('#eds-key-problems');
      const other = dialog.getByRole('button', { name: 'Выбрать другой ключ' });
      const before = { prepares, results: results.length };
      await dialog.getByRole('button', { name: 'Открыть' }).click();
      await expect.poll(() => alert.innerText()).toBe(I18N['no-file']);
      await openKey(p, 'r01', 'AUTH');
      await expect.poll(() => problems.innerText()).toBe(I18N['wrong-key-sign']);
      expect(await dialog.getByRole('button', { name: 'Подписать' }).count()).toBe(0);
      await other.click();
      await openKey(p, 'r01', 'SIGN', 'wrong');
      await expect.poll(() => alert.innerText()).toBe(I18N['wrong-password']);
      expect(await dialog.getByLabel('Пароль на хранилище ключей').inputValue()).toBe('');
      await openKey(p, 'expired', 'SIGN');
      await expect
        .poll(() => problems.innerText())
        .toMatch(new RegExp(`^${I18N.expired} \\d{2}\\.\\d{2}\\.\\d{4}\\.$`));
      expect(await dialog.getByRole('button', { name: 'Подписать' }).count()).toBe(0);
      await other.click();
      await openKey(p, 'legal-entity', 'SIGN');
      await expect.poll(() => problems.innerText()).toBe(I18N['legal-entity']);
      expect(await dialog.locator('#eds-key-data').innerText()).toContain(I18N.organisation);
      // nothing left the page for these keys
      expect({ prepares, results: results.length }).toEqual(before);
      expect(p.url()).toContain('/doc');
      await p.keyboard.press('Escape');
      await p.locator('dialog[open]').waitFor({ state: 'detached' });
      expect(await p.locator('.eds-form-status').innerText()).toBe(I18N.cancelled);
      // focus returns to the form's button
      expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Подписать документ');
      // and again, then «Отмена»
      await p.getByRole('button', { name: 'Подписать документ' }).click();
      await p.locator('dialog[open]').getByRole('button', { name: 'Отмена' }).click();
      await p.locator('dialog[open]').waitFor({ state: 'detached' });
    } finally {
      await p.context().close();
    }
  });

  it('a login page refuses a signing key with a message naming AUTH', async () => {
    const p = await newPage();
    try {
      await openDoc(p, 'AUTH');
      await openKey(p, 'r01', 'SIGN');
      await expect.poll(() => p.locator('dialog[open] #eds-key-problems').innerText()).toMatch(/AUTH/);
    } finally {
      await p.context().close();
    }
  });
});

describe.skipIf(!hasChromium)('browser signer: a step whose document is issued on the click', () => {
  it('the step’s button asks for the document and opens the dialog over the same page; the signed document is posted', async () => {
    const p = await newPage();
    try {
      await p.goto(`${base}/doc?type=SIGN`);
      await p.waitForFunction(() => document.readyState === 'complete');
      const navigations: string[] = [];
      p.on('framenavigated', (f) => {
        if (f === p.mainFrame()) navigations.push(f.url());
      });
      await p.getByLabel('Причина').fill('Переезд');
      await p.getByRole('button', { name: 'Отказаться' }).click();
      await p.locator('dialog[open]').waitFor({ state: 'visible' });
      expect(navigations).toEqual([]);
      expect(steps.at(-1)).toEqual({ reason: 'Переезд', json: true, csrf: 'csrf-token-1' });
      await fillDialog(p, 'r01', 'SIGN');
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r01').iin}`);
    } finally {
      await p.context().close();
    }
  });

  it('a form the server refuses is posted plainly and its page shown; a cancelled dialog leaves the form as it was', async () => {
    const p = await newPage();
    try {
      await p.goto(`${base}/doc?type=SIGN`);
      await p.waitForFunction(() => document.readyState === 'complete');
      await p.getByLabel('Причина').fill('Передумал');
      await p.getByRole('button', { name: 'Отказаться' }).click();
      await p.locator('dialog[open]').waitFor({ state: 'visible' });
      await p.keyboard.press('Escape');
      await p.locator('dialog[open]').waitFor({ state: 'detached' });
      expect(await p.locator('.eds-form-status').last().innerText()).toBe(I18N.cancelled);
      expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Отказаться');
      expect(await p.locator('form.eds-issued-form').count()).toBe(0);
      expect(await p.getByLabel('Причина').inputValue()).toBe('Передумал');

      await p.getByLabel('Причина').fill('');
      await Promise.all([
        p.waitForURL(`${base}/step`),
        p.getByRole('button', { name: 'Отказаться' }).click(),
      ]);
      expect(await p.locator('#result').innerText()).toBe('PAGE error');
      expect(steps.slice(-2).map((x) => x.json)).toEqual([true, false]);
    } finally {
      await p.context().close();
    }
  });
});

// ------------------------------------------------------------------ a stand-in NCALayer

interface FakeNcaLayer {
  url: string;
  requests: Array<Record<string, unknown>>;
  mode: 'basics' | 'legacy' | 'cancel';
  close(): Promise<void>;
}

function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  const header =
    len < 126
      ? Buffer.from([0x81, len])
      : len < 65536
        ? Buffer.from([0x81, 126, len >> 8, len & 0xff])
        : Buffer.concat([
            Buffer.from([0x81, 127, 0, 0, 0, 0]),
            Buffer.from([len >>> 24, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff]),
          ]);
  return Buffer.concat([header, payload]);
}

function readFrames(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let p = 0;
  for (;;) {
    if (buf.length - p < 2) break;
    const b1 = buf[p + 1] as number;
    let len = b1 & 0x7f;
    let off = p + 2;
    if (len === 126) {
      if (buf.length - off < 2) break;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (buf.length - off < 8) break;
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buf.subarray(off, off + 4) : null;
    if (masked) off += 4;
    if (buf.length - off < len) break;
    const data = Buffer.from(buf.subarray(off, off + len));
    if (mask) for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) ^ (mask[i % 4] as number);
    if (((buf[p] as number) & 0x0f) === 1) messages.push(data.toString('utf8'));
    p = off + len;
  }
  return { messages, rest: buf.subarray(p) };
}

async function startFakeNcaLayer(dir: string): Promise<FakeNcaLayer> {
  const key = path.join(dir, 'ncalayer.key');
  const cert = path.join(dir, 'ncalayer.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    {
      stdio: 'ignore',
    },
  );
  const fake: FakeNcaLayer = { url: '', requests: [], mode: 'basics', close: async () => undefined };
  const srv = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
  const sockets = new Set<Duplex>();
  srv.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(wsFrame(JSON.stringify({ result: { version: fake.mode === 'legacy' ? '1.3' : '1.4' } })));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { messages, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const m of messages) {
        const request = JSON.parse(m) as { module: string; method: string; args: unknown };
        fake.requests.push(request as unknown as Record<string, unknown>);
        if (request.module === 'kz.gov.pki.knca.basics') {
          if (fake.mode === 'legacy') {
            socket.write(wsFrame(JSON.stringify({ code: '500', message: 'module not found' })));
          } else if (fake.mode === 'cancel') {
            socket.write(wsFrame(JSON.stringify({ status: true, body: {} })));
          } else {
            const args = request.args as { data: string; signerParams: { extKeyUsageOids: string[] } };
            const type = args.signerParams.extKeyUsageOids.includes('1.3.6.1.5.5.7.3.2') ? 'AUTH' : 'SIGN';
            const signed = signXml(args.data, pki.key('r02', type));
            socket.write(wsFrame(JSON.stringify({ status: true, body: { result: [signed] } })));
          }
        } else if (request.module === 'kz.gov.pki.knca.commonUtils') {
          const args = request.args as string[];
          const signed = signXml(
            args[2] as string,
            pki.key('r02', args[1] === 'AUTHENTICATION' ? 'AUTH' : 'SIGN'),
          );
          socket.write(wsFrame(JSON.stringify({ code: '200', responseObject: signed })));
        }
      }
    });
    socket.on('error', () => undefined);
  });
  // a random port: the real 13579 may belong to an NCALayer or to other tests
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  fake.url = `wss://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
  fake.close = async () => {
    for (const s of sockets) s.destroy();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  };
  return fake;
}

describe.skipIf(!hasChromium)('browser signer: NCALayer first', () => {
  let fake: FakeNcaLayer | null = null;

  beforeAll(async () => {
    fake = await startFakeNcaLayer(pki.dataDir);
    ncaLayerUrl = fake.url;
  });

  afterAll(async () => {
    ncaLayerUrl = 'wss://127.0.0.1:1/';
    await fake?.close();
  });

  it('signs through kz.gov.pki.knca.basics with the key type OIDs, without opening the dialog', async () => {
    const f = fake as FakeNcaLayer;
    f.mode = 'basics';
    const p = await newPage();
    try {
      await openDoc(p, 'SIGN');
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r02').iin}`);
      const req = f.requests.at(-1) as { module: string; method: string; args: Record<string, unknown> };
      expect(req.module).toBe('kz.gov.pki.knca.basics');
      expect(req.method).toBe('sign');
      expect(req.args.format).toBe('xml');
      expect((req.args.signerParams as { extKeyUsageOids: string[] }).extKeyUsageOids).toEqual([
        '1.3.6.1.5.5.7.3.4',
      ]);
      expect(await p.locator('dialog').count()).toBe(0);
    } finally {
      await p.context().close();
    }
  });

  it('a step whose document is issued on the click goes to NCALayer too', async () => {
    const f = fake as FakeNcaLayer;
    f.mode = 'basics';
    const p = await newPage();
    try {
      await p.goto(`${base}/doc?type=SIGN`);
      await p.waitForFunction(() => document.readyState === 'complete');
      await p.getByLabel('Причина').fill('Через NCALayer');
      await p.getByRole('button', { name: 'Отказаться' }).click();
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r02').iin}`);
      const req = f.requests.at(-1) as { args: { data: string } };
      expect(req.args.data).toContain('Через NCALayer');
    } finally {
      await p.context().close();
    }
  });

  it('falls back to commonUtils signXml for an older NCALayer', async () => {
    const f = fake as FakeNcaLayer;
    f.mode = 'legacy';
    const p = await newPage();
    try {
      await openDoc(p, 'AUTH');
      await p.waitForURL(`${base}/submit`);
      expect(await p.locator('#result').innerText()).toBe(`OK ${pki.person('r02').iin}`);
      const req = f.requests.at(-1) as { module: string; method: string; args: string[] };
      expect(req.module).toBe('kz.gov.pki.knca.commonUtils');
      expect(req.method).toBe('signXml');
      expect(req.args.slice(0, 2)).toEqual(['PKCS12', 'AUTHENTICATION']);
    } finally {
      await p.context().close();
    }
  });

  it('a cancel in NCALayer is reported, nothing is posted', async () => {
    const f = fake as FakeNcaLayer;
    f.mode = 'cancel';
    const p = await newPage();
    const before = results.length;
    try {
      await openDoc(p, 'SIGN');
      await expect.poll(() => p.locator('.eds-form-status').innerText()).toBe(I18N.cancelled);
      expect(p.url()).toContain('/doc');
      expect(results.length).toBe(before);
    } finally {
      await p.context().close();
    }
  });
});
