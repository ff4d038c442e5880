import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATIONS, PEOPLE } from '../../../src/devstand/people.js';
import { inspectCertificate, parseCertificate } from '../../../src/eds/certificate.js';
import { childrenOf, readRoot } from '../../../src/eds/der.js';
import { parseCrl } from '../../../src/eds/crl.js';
import { EdsError } from '../../../src/eds/errors.js';
import {
  BAD_KEYS,
  CA_CN,
  DEV_PASSWORD,
  ROOT_CN,
  devKey,
  devPkiPaths,
  ensureDevPki,
  loadManifest,
  type DevPkiSummary,
} from '../../../src/devstand/pki.js';
import { loadP12 } from '../../../src/eds/signer.js';
import { pkcs12Kdf } from '../../../src/eds/p12.js';
import { TrustStore } from '../../../src/eds/trust-store.js';

let dataDir: string;
let summary: DevPkiSummary;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eds-cert-'));
  summary = await ensureDevPki(dataDir, { people: PEOPLE, organisations: ORGANISATIONS });
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('the issuer signature of a certificate, checked without OpenSSL parsing it', () => {
  it('signedBy agrees with X509_verify: the issuer signed it; a changed byte, another issuer or an outer algorithm that differs from the inner one do not verify', () => {
    const p = devPkiPaths(dataDir);
    const root = inspectCertificate(fs.readFileSync(p.root, 'utf8'));
    const ca = inspectCertificate(fs.readFileSync(p.ca, 'utf8'));
    const foreignCa = inspectCertificate(fs.readFileSync(path.join(p.keysDir, 'foreign', 'foreign-ca.pem')));
    const leaf = inspectCertificate(devKey(dataDir, 'r01', 'SIGN').certPem);
    const agrees = (cert: ReturnType<typeof inspectCertificate>, issuer: typeof cert, expected: boolean) => {
      expect(cert.signedBy(issuer)).toBe(expected);
      expect(cert.x509().verify(issuer.publicKey())).toBe(expected);
    };
    agrees(leaf, ca, true);
    agrees(ca, root, true);
    agrees(root, root, true);
    agrees(leaf, root, false);
    agrees(leaf, foreignCa, false);

    // a byte of the signed part changed (a letter of the subject's name), the signature kept
    const der = Buffer.from(leaf.der);
    const at = der.indexOf(Buffer.from(leaf.info.commonName.slice(0, 4), 'utf8'));
    expect(at).toBeGreaterThan(0);
    der[at] = (der[at] as number) ^ 0x01;
    agrees(inspectCertificate(der), ca, false);

    // the outer algorithm says sha512WithRSA while the signed part says sha256WithRSA
    const outer = Buffer.from(leaf.der);
    const [, alg] = childrenOf(readRoot(outer));
    const oid = childrenOf(alg!)[0]!;
    expect(outer[oid.end - 1]).toBe(0x0b);
    outer[oid.end - 1] = 0x0d;
    agrees(inspectCertificate(outer), ca, false);
  });

  it("publicKey() is the certificate's key, made from its modulus and exponent", () => {
    const leaf = inspectCertificate(devKey(dataDir, 'r02', 'SIGN').certPem);
    expect(leaf.publicKey().equals(new X509Certificate(leaf.der).publicKey)).toBe(true);
    expect(leaf.publicKey().asymmetricKeyDetails?.modulusLength).toBe(leaf.info.keyBits);
  });
});

describe('dev PKI generation', () => {
  it('writes the layout of eds.md for every person plus the bad keys', () => {
    expect(summary.generated).toBe(true);
    const p = devPkiPaths(dataDir);
    for (const f of [p.root, p.ca, p.crl, p.rootCrl, p.manifest]) expect(fs.existsSync(f), f).toBe(true);
    const manifest = loadManifest(dataDir);
    expect(manifest.map((e) => e.key).sort()).toEqual([...PEOPLE.map((x) => x.key), ...BAD_KEYS].sort());
    for (const e of manifest) {
      expect(e.password).toBe(DEV_PASSWORD);
      expect(path.basename(e.auth)).toMatch(/^AUTH_RSA256_[0-9a-f]{40}\.p12$/);
      expect(path.basename(e.sign)).toMatch(/^RSA256_[0-9a-f]{40}\.p12$/);
      expect(fs.existsSync(path.join(p.keysDir, e.auth))).toBe(true);
      expect(fs.existsSync(path.join(p.keysDir, e.sign))).toBe(true);
      expect(['valid', 'expired', 'revoked', 'foreign', 'legal-entity']).toContain(e.status);
    }
    const r01 = PEOPLE.find((x) => x.key === 'r01');
    for (const bad of BAD_KEYS) {
      const e = manifest.find((x) => x.key === bad);
      expect(e?.status).toBe(bad);
      expect(e?.iin).toBe(r01?.iin);
      expect(e?.name).toBe('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
    }
  });

  it('does nothing the second time, and regenerates with force', async () => {
    const files = () => {
      const p = devPkiPaths(dataDir);
      return Object.fromEntries(
        [
          p.root,
          p.ca,
          p.crl,
          p.manifest,
          ...fs.readdirSync(p.keysDir).map((f) => path.join(p.keysDir, f)),
        ].map((f) => [f, fs.statSync(f).mtimeMs]),
      );
    };
    const before = files();
    const again = await ensureDevPki(dataDir, { people: PEOPLE, organisations: ORGANISATIONS });
    expect(again.generated).toBe(false);
    // nothing was written again (the generation's time is measured by `npm run bench:eds`)
    expect(files()).toEqual(before);
  });

  it('CA certificates carry the dev names and chain root → CA', () => {
    const p = devPkiPaths(dataDir);
    const root = inspectCertificate(fs.readFileSync(p.root, 'utf8'));
    const ca = inspectCertificate(fs.readFileSync(p.ca, 'utf8'));
    expect(root.info.commonName).toBe(ROOT_CN);
    expect(ca.info.commonName).toBe(CA_CN);
    expect(root.info.isCa && ca.info.isCa).toBe(true);
    expect(root.info.selfIssued).toBe(true);
    expect(ca.x509().verify(root.publicKey())).toBe(true);
    expect(ca.info.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const crl = parseCrl(fs.readFileSync(p.crl));
    expect(crl.issuerDn).toBe(ca.info.subjectDn);
    expect(crl.revoked.size).toBe(2);
    expect(crl.nextUpdate && crl.nextUpdate > new Date()).toBe(true);
  });
});

describe('certificate parsing of the generated keys', () => {
  it('individual SIGN key: DN, key usage, EKU, policy, role', () => {
    const r01 = PEOPLE.find((x) => x.key === 'r01');
    const { cert } = devKey(dataDir, 'r01', 'SIGN');
    expect(cert.subjectDn).toBe(
      `CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN${r01?.iin}, C=KZ, G=ТЕСТОВИЧ`,
    );
    expect(cert.iin).toBe(r01?.iin);
    expect(cert.commonName).toBe('ТЕСТОВ ТЕСТ');
    expect(cert.surname).toBe('ТЕСТОВ');
    expect(cert.givenName).toBe('ТЕСТ');
    expect(cert.patronymic).toBe('ТЕСТОВИЧ');
    expect(cert.keyType).toBe('SIGN');
    expect(cert.subjectKind).toBe('individual');
    expect(cert.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(cert.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.1']);
    expect(cert.roles).toEqual(['1.2.398.3.3.4.1.1']);
    expect(cert.policies).toEqual(['1.2.398.3.3.2.3']);
    expect(cert.keyBits).toBe(2048);
    expect(cert.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(cert.issuerDn).toBe(`CN=${CA_CN}, C=KZ`);
    expect(cert.bin).toBeUndefined();
    expect(cert.organisation).toBeUndefined();
    const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(365, 0);
    // string types: Cyrillic UTF8String, SERIALNUMBER and C PrintableString
    for (const a of cert.subject)
      expect(a.tag).toBe(a.name === 'SERIALNUMBER' || a.name === 'C' ? 0x13 : 0x0c);
  });

  it('individual AUTH key', () => {
    const { cert } = devKey(dataDir, 'r01', 'AUTH');
    expect(cert.keyType).toBe('AUTH');
    expect(cert.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(cert.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.1.1']);
    expect(cert.policies).toEqual(['1.2.398.3.3.2.4']);
  });

  it('people without a patronymic have no G', () => {
    const { cert } = devKey(dataDir, 'r07', 'SIGN');
    expect(cert.subject.map((a) => a.name)).toEqual(['CN', 'SURNAME', 'SERIALNUMBER', 'C']);
    expect(cert.patronymic).toBe('');
  });

  it('employees get legal-entity certificates with O, OU=BIN, legal policies and the employee role', () => {
    // a person with an organisation holds its keys (e09: not yet its employee, its staff may add them)
    for (const person of PEOPLE.filter((x) => x.org)) {
      const org = ORGANISATIONS.find((o) => o.key === person.org);
      const sign = devKey(dataDir, person.key, 'SIGN').cert;
      const auth = devKey(dataDir, person.key, 'AUTH').cert;
      for (const c of [sign, auth]) {
        expect(c.subjectKind).toBe('legal');
        expect(c.organisation).toBe(org?.name);
        expect(c.bin).toBe(org?.bin);
        expect(c.iin).toBe(person.iin);
        expect(c.roles).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.5']);
        expect(c.subjectDn).toContain(`, O=${org?.name}`);
        expect(c.subjectDn).toMatch(/, OU=BIN\d{12}$/);
      }
      expect(sign.policies).toEqual(['1.2.398.3.3.2.1']);
      expect(auth.policies).toEqual(['1.2.398.3.3.2.2']);
      expect(sign.keyType).toBe('SIGN');
      expect(auth.keyType).toBe('AUTH');
    }
    const manifest = loadManifest(dataDir);
    expect(
      manifest
        .filter((e) => e.kind === 'legal')
        .map((e) => e.key)
        .sort(),
    ).toEqual(
      // employees, and the heads of organisations still to register (src/devstand/people.ts `org`)
      [...PEOPLE.filter((x) => x.org).map((x) => x.key), 'legal-entity'].sort(),
    );
  });

  it('bad keys: expired, revoked, foreign, legal-entity', () => {
    const trust = TrustStore.fromDirectory(devPkiPaths(dataDir).pkiDir);
    const expired = devKey(dataDir, 'expired', 'SIGN').cert;
    expect(expired.notAfter.getTime()).toBeLessThan(Date.now());
    const revoked = devKey(dataDir, 'revoked', 'AUTH').cert;
    expect(trust.isRevoked(revoked.serialHex)).toBe(true);
    expect(trust.isRevoked(devKey(dataDir, 'revoked', 'SIGN').cert.serialHex)).toBe(true);
    expect(trust.isRevoked(devKey(dataDir, 'r01', 'SIGN').cert.serialHex)).toBe(false);
    const foreign = devKey(dataDir, 'foreign', 'SIGN').cert;
    expect(foreign.issuerDn).toBe(devKey(dataDir, 'r01', 'SIGN').cert.issuerDn);
    const foreignCa = inspectCertificate(
      fs.readFileSync(path.join(devPkiPaths(dataDir).keysDir, 'foreign', 'foreign-ca.pem')),
    );
    const realCa = inspectCertificate(fs.readFileSync(devPkiPaths(dataDir).ca));
    expect(foreignCa.subjectDer.equals(realCa.subjectDer)).toBe(true);
    expect(foreignCa.info.fingerprint256).not.toBe(realCa.info.fingerprint256);
    expect(
      inspectCertificate(devKey(dataDir, 'foreign', 'SIGN').certPem)
        .x509()
        .verify(foreignCa.publicKey()),
    ).toBe(true);
    const legal = devKey(dataDir, 'legal-entity', 'SIGN').cert;
    expect(legal.subjectKind).toBe('legal');
    expect(legal.iin).toBe(devKey(dataDir, 'r01', 'SIGN').cert.iin);
  });

  it('the .p12 holds only the user certificate, 3DES key bag, and opens with Qwerty12 only', () => {
    const e = loadManifest(dataDir).find((x) => x.key === 'r02');
    const file = path.join(devPkiPaths(dataDir).keysDir, e?.sign as string);
    const buf = fs.readFileSync(file);
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(buf.toString('binary')), DEV_PASSWORD);
    const certBags = p12.getBags({ bagType: forge.pki.oids.certBag as string })[
      forge.pki.oids.certBag as string
    ];
    expect(certBags?.length).toBe(1);
    // key bag algorithm: pbeWithSHAAnd3-KeyTripleDES-CBC (1.2.840.113549.1.12.1.3)
    expect(buf.includes(Buffer.from('06 0a 2a 86 48 86 f7 0d 01 0c 01 03'.replace(/ /g, ''), 'hex'))).toBe(
      true,
    );
    const loaded = loadP12(buf, DEV_PASSWORD);
    expect(loaded.cert.iin).toBe(e?.iin);
    expect(loaded.cert.fingerprint256).toBe(devKey(dataDir, 'r02', 'SIGN').cert.fingerprint256);
    // node:crypto agrees that the key matches the certificate
    expect(new X509Certificate(loaded.certPem).checkPrivateKey(createPrivateKey(loaded.privateKeyPem))).toBe(
      true,
    );
    try {
      loadP12(buf, 'wrong');
      throw new Error('accepted a wrong password');
    } catch (err) {
      expect(err).toBeInstanceOf(EdsError);
      expect((err as EdsError).code).toBe('EDS_P12_PASSWORD');
    }
    try {
      loadP12(Buffer.from('not a p12'), DEV_PASSWORD);
      throw new Error('accepted garbage');
    } catch (err) {
      expect((err as EdsError).code).toBe('EDS_P12_FORMAT');
    }
  });

  it('the PKCS#12 key derivation matches node-forge', () => {
    const salt = Buffer.from('0123456789abcdef', 'hex');
    for (const [id, n] of [
      [1, 24],
      [2, 8],
      [3, 20],
    ] as const) {
      const mine = pkcs12Kdf('Qwerty12', salt, id, 2048, n);
      const theirs = forge.pkcs12.generateKey(
        'Qwerty12',
        forge.util.createBuffer(salt.toString('binary')),
        id,
        2048,
        n,
      );
      expect(mine.toString('binary')).toBe(theirs.getBytes());
    }
  });

  it('parses PEM, DER and bare base64 alike and refuses garbage', () => {
    const { certPem } = devKey(dataDir, 'r01', 'SIGN');
    const a = parseCertificate(certPem);
    const derBytes = inspectCertificate(certPem).der;
    expect(parseCertificate(derBytes).fingerprint256).toBe(a.fingerprint256);
    expect(parseCertificate(derBytes.toString('base64')).fingerprint256).toBe(a.fingerprint256);
    expect(() => parseCertificate('garbage!')).toThrow(EdsError);
    expect(() => parseCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(EdsError);
  });
});
