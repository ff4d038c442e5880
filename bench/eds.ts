/**
 * Signed XML verification throughput on one core: the portal's full path (verifySignedXml: strict
 * parse, structure and algorithm checks, certificate chain/CRL/profile checks, xml-crypto,
 * signed-reference extraction) against raw xml-crypto checkSignature on the same document, in the
 * same run. Warm-up, then alternating rounds; medians. Usage: npm run bench:eds [-- --rounds 7 --ms 1000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { ORGANISATIONS, PEOPLE } from '../src/devstand/people.js';
import { devKey, ensureDevPki } from '../src/eds/pki.js';
import { renderDocument } from '../src/eds/documents.js';
import { signXml } from '../src/eds/signer.js';
import { TrustStore } from '../src/eds/trust-store.js';
import { verifySignedXml } from '../src/eds/verify.js';
import { DSIG_NS } from '../src/eds/xml.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : def;
}

const ROUNDS = arg('rounds', 7);
const ROUND_MS = arg('ms', 1000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Rate {
  /** documents per wall-clock second */
  wall: number;
  /** documents per second of process CPU time: steadier than wall time on a shared machine */
  cpu: number;
}

function rate(fn: () => void, ms: number): Rate {
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    fn();
    n++;
    if ((n & 7) === 0) t = performance.now();
  }
  t = performance.now();
  const c = process.cpuUsage(c0);
  return { wall: (n * 1000) / (t - t0), cpu: (n * 1e6) / (c.user + c.system) };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-eds-'));
  try {
    const r01 = PEOPLE.filter((p) => p.key === 'r01');
    await ensureDevPki(dataDir, { people: r01, organisations: ORGANISATIONS });
    const trust = TrustStore.fromDirectory(path.join(dataDir, 'pki'));
    const key = devKey(dataDir, 'r01', 'SIGN');
    const iin = key.cert.iin as string;

    const entries = Array.from({ length: 8 }, (_, i) => ({
      date: `2025-03-${String(i + 1).padStart(2, '0')}`,
      service: 'Услуги специалиста жестового языка',
      hours: 2,
      note: `Посещение ${i + 1}: поликлиника № ${i + 3}`,
    }));
    const xml = renderDocument('act', {
      actorIin: iin,
      actorName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
      object: { type: 'sign-language-act', id: 'a-1', version: 1 },
      issuedAt: '2025-04-01T09:00:00.000Z',
      fields: { period: '2025-03', entries },
    });
    const signed = signXml(xml, key);
    const pub = key.cert.pem;
    const publicKey = trust.checkCertificate(pub).parsed.publicKey();
    const parser = new DOMParser();

    const raw = () => {
      const doc = parser.parseFromString(signed, 'text/xml');
      const sig = doc.getElementsByTagNameNS(DSIG_NS, 'Signature')[0];
      const sx = new SignedXml({ publicCert: publicKey, getCertFromKeyInfo: () => null });
      sx.loadSignature(sig as unknown as Node);
      if (!sx.checkSignature(signed)) throw new Error('raw check failed');
      if (!sx.getSignedReferences()[0]) throw new Error('no reference');
    };
    const full = () => {
      verifySignedXml(signed, { trust, expect: 'SIGN', allowedIins: [iin] });
    };
    const fullIssued = () => {
      verifySignedXml(signed, { trust, expect: 'SIGN', allowedIins: [iin], issuedXml: xml });
    };

    // warm-up (JIT, caches)
    for (const f of [raw, full, fullIssued]) rate(f, Math.min(ROUND_MS, 1000));

    const rounds: Record<'raw' | 'full' | 'issued', Rate[]> = { raw: [], full: [], issued: [] };
    for (let i = 0; i < ROUNDS; i++) {
      rounds.raw.push(rate(raw, ROUND_MS));
      rounds.full.push(rate(full, ROUND_MS));
      rounds.issued.push(rate(fullIssued, ROUND_MS));
    }
    const med = (k: keyof typeof rounds, f: keyof Rate) => median(rounds[k].map((r) => r[f]));
    const line = (name: string, k: keyof typeof rounds) =>
      `${name.padEnd(38)} ${med(k, 'wall').toFixed(0).padStart(7)} ${(med(k, 'wall') / med('raw', 'wall')).toFixed(2).padStart(6)}` +
      ` ${med(k, 'cpu').toFixed(0).padStart(9)} ${(med(k, 'cpu') / med('raw', 'cpu')).toFixed(2).padStart(6)}`;
    console.log(
      `document: ${Buffer.byteLength(xml)} B unsigned, ${Buffer.byteLength(signed)} B signed; ${ROUNDS} rounds × ${ROUND_MS} ms; node ${process.version}; load ${os.loadavg()[0]?.toFixed(1)}`,
    );
    console.log(
      `${'docs/s (medians)'.padEnd(38)} ${'wall'.padStart(7)} ${'ratio'.padStart(6)} ${'cpu-time'.padStart(9)} ${'ratio'.padStart(6)}`,
    );
    console.log(line('raw xml-crypto checkSignature', 'raw'));
    console.log(line('verifySignedXml (full path)', 'full'));
    console.log(line('full path + sameDocument(issued)', 'issued'));
    console.log(
      `full/raw: ${(med('full', 'wall') / med('raw', 'wall')).toFixed(2)} (wall), ${(med('full', 'cpu') / med('raw', 'cpu')).toFixed(2)} (cpu time); bar ≥ 0.70`,
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
