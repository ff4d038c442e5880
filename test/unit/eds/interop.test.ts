/**
 * Interop with a standard XMLDSig implementation (xmlsec1, libxml2/OpenSSL):
 *  - documents signed by `xmlsec1 --sign` with a dev SIGN key are accepted by verifySignedXml;
 *  - documents produced by signXml and by the prepare/complete path pass `xmlsec1 --verify`
 *    against the dev root (trusted) and issuing CA (untrusted intermediate).
 */
import { spawnSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSignature, prepareSignature, signXml } from '../../../src/eds/signer.js';
import { devPkiPaths, loadManifest } from '../../../src/devstand/pki.js';
import { verifySignedXml } from '../../../src/eds/verify.js';
import { ALG, DSIG_NS } from '../../../src/eds/xml.js';
import { orderXml, setupPki, type Pki } from './fixtures.js';

const XMLSEC = '/usr/bin/xmlsec1';
const hasXmlsec = fs.existsSync(XMLSEC);

let pki: Pki;
let work: string;
let iin: string;

function xmlsec(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(XMLSEC, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

function template(xml: string, c14n: string = ALG.c14n, transform: string = ALG.c14nWithComments): string {
  const sig =
    `<ds:Signature xmlns:ds="${DSIG_NS}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${c14n}"/>` +
    `<ds:SignatureMethod Algorithm="${ALG.rsaSha256}"/>` +
    `<ds:Reference URI=""><ds:Transforms>` +
    `<ds:Transform Algorithm="${ALG.enveloped}"/><ds:Transform Algorithm="${transform}"/>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${ALG.sha256}"/><ds:DigestValue></ds:DigestValue></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  return xml.replace(/<\/order>$/, `${sig}</order>`);
}

function xmlsecSign(xml: string, person: string, c14n?: string, transform?: string): string {
  const key = pki.key(person, 'SIGN');
  const keyFile = path.join(work, `${person}.key.pem`);
  const certFile = path.join(work, `${person}.cert.pem`);
  fs.writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(certFile, key.certPem);
  const tmpl = path.join(work, 'tmpl.xml');
  const out = path.join(work, 'out.xml');
  fs.writeFileSync(tmpl, template(xml, c14n, transform));
  const r = xmlsec(['--sign', '--privkey-pem', `${keyFile},${certFile}`, '--output', out, tmpl]);
  if (!r.ok) throw new Error(`xmlsec1 --sign failed: ${r.out}`);
  return fs.readFileSync(out, 'utf8');
}

function xmlsecVerify(signed: string): { ok: boolean; out: string } {
  const p = devPkiPaths(pki.dataDir);
  const file = path.join(work, `verify-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, signed);
  return xmlsec(['--verify', '--trusted-pem', p.root, '--untrusted-pem', p.ca, file]);
}

beforeAll(async () => {
  pki = await setupPki(['r01', 'r02']);
  iin = pki.person('r01').iin;
  work = fs.mkdtempSync(path.join(pki.dataDir, 'xmlsec-'));
}, 60_000);

afterAll(() => pki?.cleanup());

describe.skipIf(!hasXmlsec)('interop with xmlsec1', () => {
  it('xmlsec1 --sign output (NCALayer profile) is accepted', () => {
    const xml = orderXml(iin, { note: 'многострочный\nтекст & «кавычки»' });
    const signed = xmlsecSign(xml, 'r01');
    expect(signed).toContain('<ds:X509Certificate>');
    const v = verifySignedXml(signed, {
      trust: pki.trust,
      expect: 'SIGN',
      allowedIins: [iin],
      issuedXml: xml,
    });
    expect(v.cert.iin).toBe(iin);
    // and the form round trip (CRLF) does not matter
    expect(
      verifySignedXml(signed.replace(/\n/g, '\r\n'), { trust: pki.trust, expect: 'SIGN', issuedXml: xml })
        .cert.iin,
    ).toBe(iin);
  });

  it('xmlsec1 --sign with exclusive c14n is accepted', () => {
    const xml = orderXml(iin);
    const signed = xmlsecSign(xml, 'r01', ALG.excC14n, ALG.excC14n);
    expect(verifySignedXml(signed, { trust: pki.trust, expect: 'SIGN', issuedXml: xml }).cert.iin).toBe(iin);
  });

  it('a document changed after xmlsec1 signed it is refused', () => {
    const xml = orderXml(iin);
    const signed = xmlsecSign(xml, 'r01').replace('<beds>1</beds>', '<beds>9</beds>');
    expect(() => verifySignedXml(signed, { trust: pki.trust, expect: 'SIGN' })).toThrow(
      /changed after signing/,
    );
  });

  it('signXml output passes xmlsec1 --verify against the dev root and CA', () => {
    const signed = signXml(orderXml(iin), pki.key('r01', 'SIGN'));
    const r = xmlsecVerify(signed);
    expect(r.out).toContain('OK');
    expect(r.ok).toBe(true);
    // sanity: xmlsec1 does refuse a tampered document
    expect(xmlsecVerify(signed.replace('<beds>1</beds>', '<beds>2</beds>')).ok).toBe(false);
  });

  it('the prepare/complete output passes xmlsec1 --verify', () => {
    const key = pki.key('r02', 'SIGN');
    const xml = orderXml(pki.person('r02').iin);
    const p = prepareSignature(xml, key.certPem);
    const value = createSign('sha256').update(p.signedInfo, 'utf8').sign(key.privateKeyPem, 'base64');
    const signed = completeSignature(p.template, value);
    expect(xmlsecVerify(signed).ok).toBe(true);
  });

  it('OpenSSL reads the dev .p12 files (3DES key bag, one certificate)', () => {
    const e = loadManifest(pki.dataDir).find((x) => x.key === 'r01');
    const file = path.join(devPkiPaths(pki.dataDir).keysDir, e?.auth as string);
    const r = spawnSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:Qwerty12', '-info', '-nodes'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(r.stdout).toContain('BEGIN PRIVATE KEY');
    const wrong = spawnSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-info', '-nodes'], {
      encoding: 'utf8',
    });
    expect(wrong.status).not.toBe(0);
  });

  it('xmlsec1 refuses the foreign-CA key too (its DN is copied, its key is not)', () => {
    const signed = signXml(orderXml(iin), pki.key('foreign', 'SIGN'));
    expect(xmlsecVerify(signed).ok).toBe(false);
  });
});
