/**
 * How long one hostile signed document blocks the event loop (verification is synchronous, so the
 * time of verifySignedXml is the time nothing else runs): 15,000 `xmlns:` declarations on the root or
 * on ds:Signature, with a trusted public certificate in KeyInfo and with none. Each case is run a few
 * times after a warm-up; the median and the worst are printed.
 * `npx tsx bench/hostile-xml.ts [-- --decls 15000 --runs 5]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { devKey, ensureDevPki } from '../src/devstand/pki.js';
import { renderDocument } from '../src/eds/documents.js';
import { signXml } from '../src/eds/signer.js';
import { TrustStore } from '../src/eds/trust-store.js';
import { verifySignedXml } from '../src/eds/verify.js';
import { DSIG_NS } from '../src/eds/xml.js';
import { arg, median, tempDir } from './lib/common.js';

/** The hostile variants of a signed document (also used by the tests). */
export function hostileVariants(signed: string, rootTag: string, decls: number): Record<string, string> {
  const ns = Array.from({ length: decls }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
  const rootOpen = `<${rootTag} xmlns="urn:portal:eds:${rootTag}:1"`;
  const sigOpen = `<ds:Signature xmlns:ds="${DSIG_NS}"`;
  const onRoot = signed.replace(rootOpen, (m) => m + ns);
  const onSignature = signed.replace(sigOpen, (m) => m + ns);
  const noCert = (xml: string) => xml.replace(/<ds:KeyInfo>[\s\S]*<\/ds:KeyInfo>/, '');
  return {
    'declarations on the root, trusted certificate': onRoot,
    'declarations on the root, no certificate': noCert(onRoot),
    'declarations on ds:Signature, trusted certificate': onSignature,
    'declarations on ds:Signature, no certificate': noCert(onSignature),
  };
}

async function main(): Promise<void> {
  const decls = arg('decls', 15_000);
  const runs = arg('runs', 5);
  const dataDir = tempDir('bench-hostile-');
  try {
    await ensureDevPki(dataDir, {
      people: PEOPLE.filter((p) => p.key === 'r01'),
      organisations: ORGANISATIONS,
    });
    const trust = TrustStore.fromDirectory(path.join(dataDir, 'pki'));
    // a login challenge signed with a public AUTH certificate: the anonymous login's case
    const challenge = renderDocument('auth-challenge', {
      object: { type: 'portal', id: 'login', version: 0 },
      fields: { purpose: 'login', nonce: 'bench' },
    });
    const signed = signXml(challenge, devKey(dataDir, 'r01', 'AUTH'));
    const variants = hostileVariants(signed, 'auth-challenge', decls);
    console.log(`${decls.toLocaleString('en')} declarations, ${runs} runs each, Node ${process.version}`);
    for (const [name, xml] of Object.entries(variants)) {
      const times: number[] = [];
      let outcome = '';
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        try {
          verifySignedXml(xml, { trust, expect: 'AUTH', subject: 'individual', issuedXml: challenge });
          outcome = 'ACCEPTED';
        } catch (e) {
          outcome = (e as { code?: string }).code ?? String(e);
        }
        if (i > 0) times.push(performance.now() - t0);
      }
      console.log(
        `${name} (${(xml.length / 1024).toFixed(0)} KiB): median ${median(times).toFixed(1)} ms, ` +
          `worst ${Math.max(...times).toFixed(1)} ms → ${outcome}`,
      );
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
