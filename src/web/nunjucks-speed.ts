/**
 * Three hot spots of nunjucks 3.2, replaced by equivalents. A `perf` profile of «Помощь для вас» under
 * load found 2.6 % of the server's CPU in the regular expression of the `trim` filter
 * (`/^\s*|\s*$/g`, which tries to match at every whitespace run of the string), and 3.7 % in Frame#set
 * splitting every variable name on dots (each macro argument, and `loop.index` and its kin on every
 * turn of every loop). `\s` and String#trim remove the same characters; Frame#set does what the
 * original does, with each dotted name split once. The third: every govuk-frontend component includes
 * its template by a relative name (`./template.njk`), which nunjucks resolved with `path.resolve` on
 * every call of its macro (24 times a render of «Помощь для вас», about 4 % of it); the resolved path of
 * each pair of names is kept, as the resolution depends on nothing else.
 */
import nunjucks from 'nunjucks';

interface Frame {
  variables: Record<string, unknown>;
  resolve(name: string, forWrite: boolean): Frame | undefined;
  set(name: string, val: unknown, resolveUp?: boolean): void;
}

interface LoaderPrototype {
  resolve(from: string, to: string): string;
}

interface Runtime {
  Frame: { prototype: Frame };
  copySafeness(dest: unknown, target: string): unknown;
}

const runtime = nunjucks.runtime as unknown as Runtime;
/** The dotted names templates set (`loop.index` and its kin, in every loop), split once each. */
const partsOf = new Map<string, string[]>();

function set(this: Frame, name: string, val: unknown, resolveUp?: boolean): void {
  if (!name.includes('.')) {
    if (resolveUp) {
      const frame = this.resolve(name, true);
      if (frame) {
        frame.set(name, val);
        return;
      }
    }
    this.variables[name] = val;
    return;
  }
  // nunjucks's own, with the split kept: a dotted name makes or walks nested objects
  let parts = partsOf.get(name);
  if (!parts) {
    parts = name.split('.');
    if (partsOf.size < 1000) partsOf.set(name, parts);
  }
  if (resolveUp) {
    const frame = this.resolve(parts[0]!, true);
    if (frame) {
      frame.set(name, val);
      return;
    }
  }
  let obj = this.variables;
  for (let i = 0; i < parts.length - 1; i++) {
    const id = parts[i]!;
    if (!obj[id]) obj[id] = {};
    obj = obj[id] as Record<string, unknown>;
  }
  obj[parts[parts.length - 1]!] = val;
}

const loaderPrototype = (nunjucks as unknown as { Loader: { prototype: LoaderPrototype } }).Loader.prototype;
const resolveOriginal = loaderPrototype.resolve;
/** `from` (an absolute template path) and `to` → the resolved path: a pure function of the two */
const resolved = new Map<string, string>();

function resolve(this: LoaderPrototype, from: string, to: string): string {
  const key = `${from}\u0000${to}`;
  let out = resolved.get(key);
  if (out === undefined) {
    out = resolveOriginal.call(this, from, to);
    if (resolved.size < 1000) resolved.set(key, out);
  }
  return out;
}

/** Installs the faster Frame#set and template resolution (once per process) and the `trim` filter on `env`. */
export function speedUpNunjucks(env: nunjucks.Environment): void {
  runtime.Frame.prototype.set = set;
  loaderPrototype.resolve = resolve;
  // String#trim throws on undefined and null, as the original's `str.replace` does
  env.addFilter('trim', (s: unknown) => runtime.copySafeness(s, String.prototype.trim.call(s)));
}
