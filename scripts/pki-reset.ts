/** Regenerates the dev stand's PKI (CAs, CRLs, every person's keys) under DATA_DIR (default ./var). */
import path from 'node:path';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { ensureDevPki } from '../src/devstand/pki.js';

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.DATA_DIR ?? './var');
  const s = await ensureDevPki(dataDir, { people: PEOPLE, organisations: ORGANISATIONS, force: true });
  console.log(
    `PKI regenerated in ${s.ms} ms: ${s.people} key holders, ${s.keyFiles} .p12 files under ${s.keysDir}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
