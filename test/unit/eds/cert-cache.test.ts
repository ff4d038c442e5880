/**
 * The certificate cache of the trust store: a certificate is parsed and its chain checked once per
 * fingerprint, until a CRL changes; what depends on the moment (validity, revocation, CRL freshness)
 * and everything about the document are still checked on every verification.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrl, loadDevCa } from '../../../src/devstand/pki.js';
import { signXml } from '../../../src/eds/signer.js';
import { TrustStore } from '../../../src/eds/trust-store.js';
import { verifySignedXml, type VerifyOptions } from '../../../src/eds/verify.js';
import { codeOf, orderXml, setupPki, type Pki } from './fixtures.js';

let pki: Pki;

beforeAll(async () => {
  pki = await setupPki(['r01', 'r02', 'g01']);
}, 120_000);
afterAll(() => pki.cleanup());

function freshTrust(opts: { certCacheSize?: number } = {}): TrustStore {
  return TrustStore.fromDirectory(path.join(pki.dataDir, 'pki'), opts);
}

function signedBy(person: string): { xml: string; issued: string; opts: Omit<VerifyOptions, 'trust'> } {
  const iin = pki.person(person).iin;
  const issued = orderXml(iin);
  return {
    issued,
    xml: signXml(issued, pki.key(person, 'SIGN')),
    opts: { expect: 'SIGN', allowedIins: [iin], issuedXml: issued },
  };
}

/** A CRL of the dev issuing CA, newer than the one loaded, revoking `serials`. */
function newCrl(serials: string[], crlNumber: number): Buffer {
  const ca = loadDevCa(pki.dataDir);
  const now = Date.now();
  return buildCrl({
    issuer: ca.name,
    issuerKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    thisUpdate: new Date(now - 1000),
    nextUpdate: new Date(now + 86_400_000),
    revoked: serials.map((serialHex) => ({ serialHex, date: new Date(now - 60_000) })),
    crlNumber,
  });
}

describe('certificate cache', () => {
  it('checks a chain once per certificate, not once per document', () => {
    const trust = freshTrust();
    const a = signedBy('r01');
    verifySignedXml(a.xml, { trust, ...a.opts });
    const first = trust.chainsChecked;
    expect(first).toBe(1);
    expect(trust.cachedCertificates).toBe(1);
    // the same certificate on other documents: no chain check, no new entry
    verifySignedXml(a.xml, { trust, ...a.opts });
    const other = orderXml(pki.person('r01').iin, { beds: '3' });
    verifySignedXml(signXml(other, pki.key('r01', 'SIGN')), { trust, ...a.opts, issuedXml: other });
    expect(trust.chainsChecked).toBe(first);
    expect(trust.cachedCertificates).toBe(1);
  });

  it('a cached certificate holds its own bytes, not the shared allocation pool its base64 was decoded into', () => {
    const trust = freshTrust();
    // a certificate of about 1 KB decoded from base64 lands in node's 8 KB pool: kept as a slice, the
    // cache would pin a slab per certificate (thousands of them)
    const pem = pki.key('r02', 'SIGN').certPem;
    const { parsed } = trust.checkCertificate(pem);
    expect(parsed.der.length).toBeLessThan(4096);
    expect(parsed.der.buffer.byteLength).toBe(parsed.der.length);
    expect(parsed.subjectDer.buffer).toBe(parsed.der.buffer);
    // the cached entry is what the next check returns
    expect(trust.checkCertificate(pem).parsed).toBe(parsed);
  });

  it('refuses a cached certificate once a new CRL revokes it', () => {
    const trust = freshTrust();
    const a = signedBy('r01');
    expect(verifySignedXml(a.xml, { trust, ...a.opts }).cert.iin).toBe(pki.person('r01').iin);
    expect(trust.cachedCertificates).toBe(1);
    const serial = pki.key('r01', 'SIGN').cert.serialHex;
    trust.addCrl(newCrl([serial], 9001), 'test:revocation');
    expect(trust.cachedCertificates).toBe(0);
    expect(codeOf(() => verifySignedXml(a.xml, { trust, ...a.opts }))).toBe('EDS_CERT_REVOKED');
    // and stays refused while its entry is back in the cache
    expect(codeOf(() => verifySignedXml(a.xml, { trust, ...a.opts }))).toBe('EDS_CERT_REVOKED');
    // another person's certificate is not affected
    const b = signedBy('r02');
    expect(verifySignedXml(b.xml, { trust, ...b.opts }).cert.iin).toBe(pki.person('r02').iin);
  });

  it('keeps its entries when the same CRL is loaded again', () => {
    const trust = freshTrust();
    const a = signedBy('r01');
    verifySignedXml(a.xml, { trust, ...a.opts });
    const crl = newCrl([], 9100);
    trust.addCrl(crl, 'test:same');
    verifySignedXml(a.xml, { trust, ...a.opts });
    expect(trust.cachedCertificates).toBe(1);
    trust.addCrl(crl, 'test:same');
    expect(trust.cachedCertificates).toBe(1);
  });

  it('checks validity with the time of each verification, also for a cached certificate', () => {
    const trust = freshTrust();
    const a = signedBy('r01');
    const cert = pki.key('r01', 'SIGN').cert;
    verifySignedXml(a.xml, { trust, ...a.opts });
    expect(trust.cachedCertificates).toBe(1);
    const after = new Date(cert.notAfter.getTime() + 1000);
    expect(codeOf(() => verifySignedXml(a.xml, { trust, ...a.opts, now: after }))).toBe('EDS_CERT_EXPIRED');
    const before = new Date(cert.notBefore.getTime() - 1000);
    expect(codeOf(() => verifySignedXml(a.xml, { trust, ...a.opts, now: before }))).toBe(
      'EDS_CERT_NOT_YET_VALID',
    );
    // and a moment later it is valid again: nothing of the refusals was cached
    expect(verifySignedXml(a.xml, { trust, ...a.opts }).cert.iin).toBe(pki.person('r01').iin);
  });

  it('still refuses a tampered document signed by a cached certificate', () => {
    const trust = freshTrust();
    const a = signedBy('r01');
    verifySignedXml(a.xml, { trust, ...a.opts });
    const changed = a.xml.replace('<beds>1</beds>', '<beds>2</beds>');
    expect(changed).not.toBe(a.xml);
    expect(codeOf(() => verifySignedXml(changed, { trust, ...a.opts }))).toBe('EDS_DIGEST');
    const { issuedXml: _ignored, ...withoutIssued } = a.opts;
    expect(codeOf(() => verifySignedXml(changed, { trust, ...withoutIssued }))).toBe('EDS_DIGEST');
    // a signature value of another document of the same signer
    const other = signXml(orderXml(pki.person('r01').iin, { beds: '7' }), pki.key('r01', 'SIGN'));
    const value = (x: string) => /<ds:SignatureValue>([^<]+)</.exec(x)?.[1] ?? '';
    const swapped = a.xml.replace(value(a.xml), value(other));
    expect(codeOf(() => verifySignedXml(swapped, { trust, ...a.opts }))).toBe('EDS_SIGNATURE_VALUE');
    // the certificate of another person in KeyInfo
    const cert = (x: string) => /<ds:X509Certificate>([^<]+)</.exec(x)?.[1] ?? '';
    const b = signedBy('r02');
    verifySignedXml(b.xml, { trust, ...b.opts });
    const foreignKey = a.xml.replace(cert(a.xml), cert(b.xml));
    expect(codeOf(() => verifySignedXml(foreignKey, { trust, ...a.opts, allowedIins: undefined }))).toBe(
      'EDS_SIGNATURE_VALUE',
    );
  });

  it('is bounded and forgets the least recently used certificate first', () => {
    const trust = freshTrust({ certCacheSize: 2 });
    const [a, b, c] = ['r01', 'r02', 'g01'].map(signedBy) as [
      ReturnType<typeof signedBy>,
      ReturnType<typeof signedBy>,
      ReturnType<typeof signedBy>,
    ];
    const check = (d: ReturnType<typeof signedBy>) => {
      const before = trust.chainsChecked;
      verifySignedXml(d.xml, { trust, ...d.opts });
      return trust.chainsChecked > before;
    };
    expect(check(a)).toBe(true);
    expect(check(b)).toBe(true);
    expect(check(a)).toBe(false); // a is now the most recently used
    expect(check(c)).toBe(true); // evicts b
    expect(trust.cachedCertificates).toBe(2);
    expect(check(a)).toBe(false);
    expect(check(b)).toBe(true);
  });
});
