/**
 * Compiles public/scss/app.scss (govuk-frontend with the portal's brand) to public/build/app.css.
 * Skips the work when the build is stamped with the hash of the current sources (`--force` builds
 * anyway). `npm start` does the same by itself at startup (src/web/assets.ts).
 */
import { assetState, buildAssets } from '../src/web/assets.js';

const state = assetState();
if (process.argv.includes('--force') || state !== 'current') {
  const { ms } = await buildAssets();
  console.log(`assets: app.css built in ${ms} ms (${state})`);
}
