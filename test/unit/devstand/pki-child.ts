/**
 * A process that starts the dev PKI as `npm start` does and is killed by the test while it makes the
 * demo keys: `node --import tsx pki-child.ts <dataDir> <person key>…`. Prints «anchors» once the
 * trust anchors are in place.
 */
import { ORGANISATIONS, PEOPLE } from '../../../src/devstand/people.js';
import { ensureDevPkiStaged } from '../../../src/devstand/pki.js';

const [dataDir, ...keys] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: pki-child.ts <dataDir> <person key>…');
const staged = await ensureDevPkiStaged(dataDir, {
  people: PEOPLE.filter((p) => keys.includes(p.key)),
  organisations: ORGANISATIONS,
  primeConcurrency: 1,
});
process.stdout.write('anchors\n');
await staged.keys;
process.stdout.write('keys\n');
