/**
 * Compiles public/scss/app.scss (govuk-frontend with the portal's brand) to public/build/app.css.
 * Skips the work when the output is newer than every input.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as sass from 'sass';
import { ROOT_DIR } from '../src/config.js';

const src = path.join(ROOT_DIR, 'public', 'scss', 'app.scss');
const out = path.join(ROOT_DIR, 'public', 'build', 'app.css');
const govuk = path.join(ROOT_DIR, 'node_modules', 'govuk-frontend', 'package.json');

function mtime(p: string): number {
  return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
}

if (process.argv.includes('--force') || mtime(out) < Math.max(mtime(src), mtime(govuk))) {
  const t = Date.now();
  const result = sass.compile(src, {
    loadPaths: [path.join(ROOT_DIR, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, result.css);
  console.log(`assets: app.css built in ${Date.now() - t} ms`);
}
