/**
 * A process that starts the dev PKI as `npm start` does and is killed by the test while it makes the
 * demo keys: `node --import tsx pki-child.ts <dataDir> <person key>…`. Prints «anchors» once the
 * trust anchors are in place. Once the first holder's folder of keys is written, no later prime search
 * ever answers: the rest is never written, so the test kills a start that is certainly half-way,
 * however fast or slow the machine is.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const [dataDir, ...keys] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: pki-child.ts <dataDir> <person key>…');

const build = path.join(dataDir, '.keys-build');
const aHolderWritten = () => fs.existsSync(build) && fs.readdirSync(build).some((f) => !f.includes('.part-'));
const generatePrime = crypto.generatePrime.bind(crypto);
(crypto as { generatePrime: unknown }).generatePrime = (...args: Parameters<typeof generatePrime>) => {
  if (!aHolderWritten()) return generatePrime(...args);
  // every later search never answers: the generation waits here until the test kills the process
};
syncBuiltinESMExports();

// imported after the patch, so that the module binds the patched function
const { ORGANISATIONS, PEOPLE } = await import('../../../src/devstand/people.js');
const { ensureDevPkiStaged } = await import('../../../src/devstand/pki.js');
const staged = await ensureDevPkiStaged(dataDir, {
  people: PEOPLE.filter((p) => keys.includes(p.key)),
  organisations: ORGANISATIONS,
  primeConcurrency: 1,
});
process.stdout.write('anchors\n');
await staged.keys;
process.stdout.write('keys\n');
