/**
 * The portal's stylesheet: public/scss/*.scss (govuk-frontend with the portal's brand) compiled to
 * public/build/app.css, which git ignores. The build is stamped with a hash of what it was made from
 * (the sources, the govuk-frontend and sass versions), so a start finds out in a millisecond whether
 * the stylesheet is there and current; `npm start` builds it when it is not, so a fresh clone serves a
 * styled portal from its first start.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../config.js';

const SCSS_DIR = path.join(ROOT_DIR, 'public', 'scss');
export const APP_CSS = path.join(ROOT_DIR, 'public', 'build', 'app.css');
const STAMP = /^\uFEFF?\/\*! inputs:([0-9a-f]{16}) \*\//;

function versionOf(pkg: string): string {
  try {
    const file = path.join(ROOT_DIR, 'node_modules', pkg, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}

/** A hash of everything the stylesheet is made from. */
export function assetInputsHash(): string {
  const h = crypto.createHash('sha256');
  const files = fs
    .readdirSync(SCSS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.scss'))
    .sort();
  for (const f of files)
    h.update(`${f}\0`)
      .update(fs.readFileSync(path.join(SCSS_DIR, f)))
      .update('\0');
  h.update(`govuk-frontend@${versionOf('govuk-frontend')} sass@${versionOf('sass')}`);
  return h.digest('hex').slice(0, 16);
}

/** The hash the built stylesheet carries, or null when there is none. */
function builtHash(): string | null {
  let fd: number;
  try {
    fd = fs.openSync(APP_CSS, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(64);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return STAMP.exec(head.subarray(0, n).toString('utf8'))?.[1] ?? null;
  } finally {
    fs.closeSync(fd);
  }
}

export type AssetState = 'current' | 'stale' | 'missing';

export function assetState(): AssetState {
  const built = builtHash();
  if (built === null) return fs.existsSync(APP_CSS) ? 'stale' : 'missing';
  return built === assetInputsHash() ? 'current' : 'stale';
}

/** Compiles the stylesheet (sass is imported only then: a start with a current build never loads it). */
export async function buildAssets(): Promise<{ ms: number }> {
  const t = Date.now();
  const sass = await import('sass');
  const hash = assetInputsHash();
  const result = await sass.compileAsync(path.join(SCSS_DIR, 'app.scss'), {
    loadPaths: [path.join(ROOT_DIR, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  fs.mkdirSync(path.dirname(APP_CSS), { recursive: true });
  // written aside and renamed: a page loaded meanwhile never gets half a stylesheet
  const tmp = `${APP_CSS}.${process.pid}.tmp`;
  // sass starts a stylesheet with non-ASCII text with a byte order mark: it stays first
  const css = result.css.replace(/^\uFEFF/, '');
  fs.writeFileSync(tmp, `\uFEFF/*! inputs:${hash} */\n${css}`);
  fs.renameSync(tmp, APP_CSS);
  return { ms: Date.now() - t };
}

/**
 * At startup: builds the stylesheet when it is missing or made from other sources. In production the
 * image carries the build (`npm run build`); a missing one stops the start, a stale one is logged.
 */
export async function ensureAssets(
  production: boolean,
  log: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void },
): Promise<AssetState> {
  const state = assetState();
  if (state === 'current') return state;
  if (production) {
    if (state === 'missing')
      throw new Error(`${path.relative(ROOT_DIR, APP_CSS)} is missing: build the portal with npm run build`);
    log.warn({ file: APP_CSS }, 'the stylesheet was built from other sources: run npm run build');
    return state;
  }
  const { ms } = await buildAssets();
  log.info({ ms, was: state }, 'stylesheet built (public/build/app.css)');
  return state;
}
