import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATIONS, PEOPLE } from '../../../src/devstand/people.js';
import { crlDer, parseCrl } from '../../../src/eds/crl.js';
import { derToPem } from '../../../src/eds/certificate.js';
import {
  buildCertificate,
  buildCrl,
  devPkiPaths,
  encodeName,
  ensureDevPki,
  generateRsaKey,
  issueCertificate,
  loadDevCa,
  loadManifest,
  newSerial,
  type CaMaterial,
  type CertProfile,
  type RsaKey,
} from '../../../src/devstand/pki.js';
import { signXml } from '../../../src/eds/signer.js';
import { TrustStore, normaliseSerial, type TrustLogEntry } from '../../../src/eds/trust-store.js';
import { verifySignedXml } from '../../../src/eds/verify.js';
import { codeOf, orderXml, setupPki, type Pki } from './fixtures.js';

let pki: Pki;
let server: http.Server;
let base: string;
let crlBody: Buffer | null;
let delayMs = 0;
let status = 200;
let anchors: Buffer[];
let hits = 0;

beforeAll(async () => {
  pki = await setupPki(['r01', 'r02']);
  const p = devPkiPaths(pki.dataDir);
  anchors = [fs.readFileSync(p.root), fs.readFileSync(p.ca)];
  crlBody = crlDer(fs.readFileSync(p.crl));
  server = http.createServer((req, res) => {
    hits++;
    setTimeout(() => {
      if (status !== 200 || !crlBody) {
        res.writeHead(status === 200 ? 404 : status);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/pkix-crl' });
      res.end(req.url === '/pem.crl' ? derToPem(crlBody, 'X509 CRL') : crlBody);
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  pki.cleanup();
});

describe('TrustStore with CRL URLs (production mode)', () => {
  it('fetches CRLs (DER or PEM), checks them, reports health, and verifies with them', async () => {
    const logs: TrustLogEntry[] = [];
    const trust = await TrustStore.fromConfig({
      anchors,
      crlUrls: [`${base}/nca_rsa.crl`],
      log: (e) => logs.push(e),
      autoRefresh: false,
    });
    const h = trust.health();
    expect(h.ok).toBe(true);
    expect(h.crls).toHaveLength(1);
    expect(h.crls[0]).toMatchObject({ url: `${base}/nca_rsa.crl`, fresh: true, lastError: null, revoked: 2 });
    expect(h.crls[0]?.issuer).toContain('ҰЛТТЫҚ');
    const signed = signXml(orderXml(pki.person('r01').iin), pki.key('r01', 'SIGN'));
    expect(verifySignedXml(signed, { trust, expect: 'SIGN' }).cert.iin).toBe(pki.person('r01').iin);
    const revoked = signXml(orderXml(pki.person('r01').iin), pki.key('revoked', 'SIGN'));
    expect(codeOf(() => verifySignedXml(revoked, { trust, expect: 'SIGN' }))).toBe('EDS_CERT_REVOKED');
    expect(logs.some((l) => l.message === 'CRL refreshed')).toBe(true);

    const pem = await TrustStore.fromConfig({ anchors, crlUrls: [`${base}/pem.crl`], autoRefresh: false });
    expect(pem.health().ok).toBe(true);
  });

  it('an unreachable CRL is logged and reported, and verification refuses with EDS_CRL_STALE (no crash)', async () => {
    const logs: TrustLogEntry[] = [];
    status = 503;
    try {
      const trust = await TrustStore.fromConfig({
        anchors,
        crlUrls: [`${base}/down.crl`, 'http://127.0.0.1:1/refused.crl'],
        log: (e) => logs.push(e),
        autoRefresh: false,
      });
      const h = trust.health();
      expect(h.ok).toBe(false);
      expect(h.crls.map((c) => c.lastError)).toEqual(['HTTP 503', expect.any(String)]);
      expect(h.crls.every((c) => !c.fresh)).toBe(true);
      expect(logs.filter((l) => l.level === 'error')).toHaveLength(2);
      const signed = signXml(orderXml(pki.person('r01').iin), pki.key('r01', 'SIGN'));
      expect(codeOf(() => verifySignedXml(signed, { trust, expect: 'SIGN' }))).toBe('EDS_CRL_STALE');
      expect(trust.nextRefreshDelay(new Date())).toBe(60_000);
    } finally {
      status = 200;
    }
  });

  it('a slow CRL server hits the timeout', async () => {
    // the server would answer after 5 s: the store gives up at its 100 ms timeout, long before
    delayMs = 5_000;
    try {
      const t0 = Date.now();
      const trust = await TrustStore.fromConfig({
        anchors,
        crlUrls: [`${base}/slow.crl`],
        fetchTimeoutMs: 100,
        autoRefresh: false,
      });
      expect(Date.now() - t0).toBeLessThan(delayMs);
      expect(trust.health().crls[0]?.lastError).toMatch(/abort|timeout/i);
    } finally {
      delayMs = 0;
    }
  });

  it('keeps the last good CRL on disk and uses it when the network is down at start', async () => {
    const cacheDir = path.join(pki.dataDir, 'crl-cache');
    const url = `${base}/cached.crl`;
    await TrustStore.fromConfig({ anchors, crlUrls: [url], cacheDir, autoRefresh: false });
    expect(fs.readdirSync(cacheDir)).toHaveLength(1);
    status = 500;
    try {
      const trust = await TrustStore.fromConfig({ anchors, crlUrls: [url], cacheDir, autoRefresh: false });
      const c = trust.health().crls[0];
      expect(c?.fresh).toBe(true);
      expect(c?.lastError).toBe('HTTP 500');
    } finally {
      status = 200;
    }
  });

  it('refuses a CRL with a bad signature and never goes back to an older CRL', async () => {
    const ca = loadDevCa(pki.dataDir);
    const good = crlBody as Buffer;
    const other = loadDevCa(pki.dataDir, 'root');
    crlBody = buildCrl({
      issuer: ca.name,
      issuerKey: other.privateKey,
      issuerPublicKey: other.publicKey,
      thisUpdate: new Date(Date.now() - 1000),
      nextUpdate: new Date(Date.now() + 86_400_000),
      revoked: [],
      crlNumber: 50,
    });
    try {
      const trust = await TrustStore.fromConfig({
        anchors,
        crlUrls: [`${base}/forged.crl`],
        autoRefresh: false,
      });
      expect(trust.health().crls[0]?.lastError).toMatch(/not signed by a trust anchor/);
      expect(trust.health().crls[0]?.fresh).toBe(false);
    } finally {
      crlBody = good;
    }
    const trust = new TrustStore({ anchors });
    const newer = buildCrl({
      issuer: ca.name,
      issuerKey: ca.privateKey,
      issuerPublicKey: ca.publicKey,
      thisUpdate: new Date(Date.now() - 1000),
      nextUpdate: new Date(Date.now() + 86_400_000),
      revoked: [],
      crlNumber: 60,
    });
    trust.addCrl(newer, 'x');
    trust.addCrl(good, 'x');
    expect(parseCrl(newer).revoked.size).toBe(0);
    expect(trust.isRevoked(pki.key('revoked', 'SIGN').cert.serialHex)).toBe(false);
  });

  it('auto refresh is scheduled before nextUpdate and refreshes', async () => {
    hits = 0;
    const trust = new TrustStore({
      anchors,
      crlUrls: [`${base}/auto.crl`],
      retryMs: 20,
      refreshMarginMs: 0,
      maxRefreshMs: 40,
    });
    trust.startAutoRefresh();
    // waits for the second fetch (due after 40 ms), not for a time a loaded machine may overrun
    for (let i = 0; i < 3000 && hits < 2; i++) await new Promise((r) => setTimeout(r, 10));
    trust.stopAutoRefresh();
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(trust.health().ok).toBe(true);
    // nextUpdate in 30 days, margin 15 min, bounded by 1 h
    const t2 = new TrustStore({ anchors, crls: [crlBody as Buffer] });
    expect(t2.nextRefreshDelay(new Date())).toBe(3_600_000);
  });

  it('isRevoked is a set lookup that ignores case and leading zeros', () => {
    const serial = pki.key('revoked', 'AUTH').cert.serialHex;
    expect(pki.trust.isRevoked(serial)).toBe(true);
    expect(pki.trust.isRevoked(serial.toLowerCase())).toBe(true);
    expect(pki.trust.isRevoked('00' + serial)).toBe(true);
    expect(pki.trust.isRevoked('01')).toBe(false);
    expect(normaliseSerial('00:0a:ff')).toBe('AFF');
  });
});

describe('the CA path above a user certificate', () => {
  const DAY = 86_400_000;
  let keys: [RsaKey, RsaKey, RsaKey];
  const person = () => ({
    cn: 'ТЕСТОВ ТЕСТ',
    surname: 'ТЕСТОВ',
    iin: pki.person('r01').iin,
    patronymic: 'ТЕСТОВИЧ',
  });

  beforeAll(async () => {
    keys = await Promise.all([generateRsaKey(), generateRsaKey(), generateRsaKey()]);
  }, 60_000);

  /** a root and an issuing CA built with the dev PKI's helpers, and a SIGN certificate from that CA */
  async function hierarchy(root: Partial<CertProfile> = {}, ca: Partial<CertProfile> = {}) {
    const [rootKey, caKey, userKey] = keys;
    const rootName = encodeName({ cn: 'TEST ROOT' });
    const caName = encodeName({ cn: 'TEST ISSUING CA' });
    const validity = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) };
    const rootDer = buildCertificate({
      serial: newSerial(),
      issuer: rootName,
      subject: rootName,
      ...validity,
      subjectKey: rootKey.publicKey,
      signingKey: rootKey.privateKey,
      issuerPublicKey: rootKey.publicKey,
      profile: { kind: 'root', ...root } as CertProfile,
    });
    const caDer = buildCertificate({
      serial: newSerial(),
      issuer: rootName,
      subject: caName,
      ...validity,
      subjectKey: caKey.publicKey,
      signingKey: rootKey.privateKey,
      issuerPublicKey: rootKey.publicKey,
      profile: { kind: 'ca', ...ca } as CertProfile,
    });
    const issuer: CaMaterial = {
      certDer: caDer,
      certPem: derToPem(caDer),
      name: caName,
      privateKey: caKey.privateKey,
      publicKey: caKey.publicKey,
    };
    const user = await issueCertificate({ issuer, subject: person(), keyType: 'SIGN', key: userKey });
    // revocation is not the point here
    const trust = new TrustStore({
      anchors: [derToPem(rootDer), derToPem(caDer)],
      refuseWhenCrlStale: false,
    });
    return { trust, user };
  }

  it('refuses a user certificate issued directly by the root', async () => {
    const root = loadDevCa(pki.dataDir, 'root');
    const direct = await issueCertificate({ issuer: root, subject: person(), keyType: 'SIGN', key: keys[2] });
    expect(codeOf(() => pki.trust.checkCertificate(direct.certPem))).toBe('EDS_CERT_UNTRUSTED');
    // the same person's certificate from the issuing CA is fine
    const ca = loadDevCa(pki.dataDir, 'ca');
    const proper = await issueCertificate({ issuer: ca, subject: person(), keyType: 'SIGN', key: keys[2] });
    expect(pki.trust.checkCertificate(proper.certPem).parsed.info.iin).toBe(pki.person('r01').iin);
  });

  it('accepts a path whose CAs carry keyCertSign and respect their path length', async () => {
    const { trust, user } = await hierarchy();
    expect(trust.checkCertificate(user.certPem).anchor.parsed.info.pathLen).toBe(0);
    const deep = await hierarchy({ pathLen: 1 });
    expect(deep.trust.checkCertificate(deep.user.certPem).parsed.info.iin).toBe(pki.person('r01').iin);
  });

  it('refuses a path where the root allows no CA below it (pathLenConstraint 0)', async () => {
    const { trust, user } = await hierarchy({ pathLen: 0 });
    expect(() => trust.checkCertificate(user.certPem)).toThrow(/path length constraint 0/);
    expect(codeOf(() => trust.checkCertificate(user.certPem))).toBe('EDS_CERT_UNTRUSTED');
  });

  it('refuses a path where a CA certificate lacks keyCertSign', async () => {
    const noSignCa = await hierarchy({}, { keyUsage: ['digitalSignature', 'cRLSign'] });
    expect(() => noSignCa.trust.checkCertificate(noSignCa.user.certPem)).toThrow(/keyCertSign/);
    const noSignRoot = await hierarchy({ keyUsage: ['cRLSign'] });
    expect(codeOf(() => noSignRoot.trust.checkCertificate(noSignRoot.user.certPem))).toBe(
      'EDS_CERT_UNTRUSTED',
    );
  });
});

describe('dev PKI maintenance', () => {
  it('re-issues CRLs close to nextUpdate, regenerates with force', async () => {
    const people = PEOPLE.filter((p) => p.key === 'r01' || p.key === 'r02');
    const p = devPkiPaths(pki.dataDir);
    const before = parseCrl(fs.readFileSync(p.crl));
    const later = new Date(Date.now() + 25 * 86_400_000);
    const devStore = TrustStore.fromDirectory(p.pkiDir);
    const muchLater = new Date(later.getTime() + 10 * 86_400_000);
    expect(devStore.health(muchLater).ok).toBe(false);
    const s = await ensureDevPki(pki.dataDir, { people, organisations: ORGANISATIONS, now: later });
    expect(s.generated).toBe(false);
    expect(s.crlRefreshed).toBe(true);
    const after = parseCrl(fs.readFileSync(p.crl));
    expect(after.nextUpdate?.getTime()).toBeGreaterThan(before.nextUpdate?.getTime() ?? 0);
    expect([...after.revoked].sort()).toEqual([...before.revoked].sort());
    expect(Number.parseInt(after.crlNumber ?? '0', 16)).toBe(
      Number.parseInt(before.crlNumber ?? '0', 16) + 1,
    );
    // a running dev trust store picks the re-issued files up on refresh
    await devStore.refreshCrls();
    expect(devStore.health(muchLater).ok).toBe(true);

    const oldRoot = fs.readFileSync(p.root, 'utf8');
    const forced = await ensureDevPki(pki.dataDir, { people, organisations: ORGANISATIONS, force: true });
    expect(forced.generated).toBe(true);
    expect(fs.readFileSync(p.root, 'utf8')).not.toBe(oldRoot);
    expect(loadManifest(pki.dataDir)).toHaveLength(2 + 4);
    // a person added to the list triggers regeneration
    const more = await ensureDevPki(pki.dataDir, {
      people: PEOPLE.filter((x) => ['r01', 'r02', 'r03'].includes(x.key)),
      organisations: ORGANISATIONS,
    });
    expect(more.generated).toBe(true);
    expect(loadManifest(pki.dataDir).map((e) => e.key)).toContain('r03');
  }, 60_000);

  it('one generator per data directory: concurrent calls wait; the lock of a dead holder is taken over', async () => {
    const people = PEOPLE.filter((p) => p.key === 'r01');
    const dir = fs.mkdtempSync(path.join(pki.dataDir, 'lock-'));
    fs.writeFileSync(path.join(dir, '.pki.lock'), '999999999');
    const [a, b] = await Promise.all([
      ensureDevPki(dir, { people, organisations: ORGANISATIONS }),
      ensureDevPki(dir, { people, organisations: ORGANISATIONS }),
    ]);
    expect([a.generated, b.generated].sort()).toEqual([false, true]);
    expect(fs.existsSync(path.join(dir, '.pki.lock'))).toBe(false);
  }, 60_000);
});
