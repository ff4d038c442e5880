import { createSign, sign as cryptoSign } from 'node:crypto';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATIONS } from '../../../src/devstand/people.js';
import { renderDocument } from '../../../src/eds/documents.js';
import { EDS_ERROR_CODES, EdsError, type EdsErrorCode } from '../../../src/eds/errors.js';
import {
  buildCrl,
  issueCertificate,
  loadDevCa,
  encodeName,
  generateRsaKey,
  type IssuedKey,
} from '../../../src/devstand/pki.js';
import { completeSignature, prepareSignature, signXml } from '../../../src/eds/signer.js';
import { TrustStore, type TrustLogEntry } from '../../../src/eds/trust-store.js';
import {
  canonicalDocument,
  checkCertificateUse,
  sameDocument,
  verifySignedXml,
  type VerifyOptions,
} from '../../../src/eds/verify.js';
import { ALG, DSIG_NS } from '../../../src/eds/xml.js';
import { der } from '../../../src/eds/der.js';
import { OID } from '../../../src/eds/oids.js';
import { codeOf, orderXml, setupPki, type Pki } from './fixtures.js';
import fs from 'node:fs';
import path from 'node:path';

let pki: Pki;
let r01Iin: string;
let issued: string;
let signed: string;
const seen = new Set<EdsErrorCode>();

/** expects refusal with `code`, and records it for the coverage check at the end */
function refused(xml: string, opts: Partial<VerifyOptions>, code: EdsErrorCode): void {
  const got = codeOf(() => verifySignedXml(xml, { trust: pki.trust, expect: 'SIGN', ...opts }));
  expect(got).toBe(code);
  seen.add(got);
}

function ok(xml: string, opts: Partial<VerifyOptions> = {}) {
  return verifySignedXml(xml, { trust: pki.trust, expect: 'SIGN', ...opts });
}

function dom(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

function ser(doc: Document): string {
  return new XMLSerializer().serializeToString(doc);
}

function ds(doc: Document, name: string, i = 0): Element {
  const el = doc.getElementsByTagNameNS(DSIG_NS, name)[i];
  if (!el) throw new Error(`no ds:${name}`);
  return el;
}

function mutate(xml: string, fn: (doc: Document) => void): string {
  const d = dom(xml);
  fn(d);
  return ser(d);
}

function xmlCryptoSign(
  xml: string,
  key: { privateKeyPem: string; certPem: string },
  o: { c14n?: string; sig?: string; transforms?: string[]; digest?: string } = {},
): string {
  const sx = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certPem,
    signatureAlgorithm: o.sig ?? ALG.rsaSha256,
    canonicalizationAlgorithm: o.c14n ?? ALG.c14n,
  });
  sx.addReference({
    xpath: '/*',
    transforms: o.transforms ?? [ALG.enveloped, ALG.c14nWithComments],
    digestAlgorithm: o.digest ?? ALG.sha256,
    isEmptyUri: true,
  });
  sx.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
  return sx.getSignedXml();
}

beforeAll(async () => {
  pki = await setupPki();
  r01Iin = pki.person('r01').iin;
  issued = orderXml(r01Iin);
  signed = signXml(issued, pki.key('r01', 'SIGN'));
}, 60_000);

afterAll(() => pki.cleanup());

describe('happy paths', () => {
  it('SIGN: a document signed with the signing key verifies; data comes from the signed reference', () => {
    const v = ok(signed, { allowedIins: [r01Iin], issuedXml: issued });
    expect(v.cert.iin).toBe(r01Iin);
    expect(v.cert.keyType).toBe('SIGN');
    expect(v.signedContent).toBe(canonicalDocument(issued));
    expect(v.signedRoot).toMatchObject({
      name: 'order',
      namespace: 'urn:portal:eds:order:1',
      kind: 'order',
      actorIin: r01Iin,
    });
    expect(v.signedRoot.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(v.signedXml).toBe(signed);
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v.algorithms).toEqual({
      canonicalization: ALG.c14n,
      signature: ALG.rsaSha256,
      digest: ALG.sha256,
      transforms: [ALG.enveloped, ALG.c14nWithComments],
    });
    expect(sameDocument(issued, v.signedContent)).toBe(true);
  });

  it('the signature has the NCALayer profile: last child of the root, ds: prefix', () => {
    const d = dom(signed);
    const root = d.documentElement as Element;
    const last = root.lastChild as Element;
    expect(last.nodeName).toBe('ds:Signature');
    expect(signed).toContain('<ds:Reference URI="">');
    expect(signed).toContain(
      `<ds:Transform Algorithm="${ALG.enveloped}"/><ds:Transform Algorithm="${ALG.c14nWithComments}"/>`,
    );
    expect(signed.startsWith(issued.slice(0, -'</order>'.length))).toBe(true);
  });

  it('AUTH: a login challenge signed with the authentication key verifies', () => {
    const challenge = renderDocument('auth-challenge', {
      object: { type: 'login', id: 'c-1', version: 1 },
      fields: { nonce: 'n0nce-1234', origin: 'https://portal.example.kz' },
    });
    const s = signXml(challenge, pki.key('r01', 'AUTH'));
    const v = verifySignedXml(s, { trust: pki.trust, expect: 'AUTH', subject: 'any', issuedXml: challenge });
    expect(v.cert.iin).toBe(r01Iin);
    expect(v.signedRoot.kind).toBe('auth-challenge');
    expect(v.signedRoot.actorIin).toBeNull();
  });

  it('an employee signs where an employee must act', () => {
    const e01 = pki.person('e01');
    const xml = renderDocument('bed-count-change', {
      actorIin: e01.iin,
      object: { type: 'institution', id: 'msu-astana', version: 7 },
      fields: { total: 120, previous: 118 },
    });
    const v = ok(signXml(xml, pki.key('e01', 'SIGN')), { subject: 'employee', allowedIins: [e01.iin] });
    expect(v.cert.bin).toBe(ORGANISATIONS.find((o) => o.key === 'msu-astana')?.bin);
    expect(v.cert.subjectKind).toBe('legal');
  });

  it('a guardian signs for the ward: the document names both', () => {
    const g01 = pki.person('g01');
    const r06 = pki.person('r06');
    const xml = renderDocument('confirmation', {
      actorIin: g01.iin,
      principalIin: r06.iin,
      principalName: 'ПЕТРОВА ЕЛЕНА ВИКТОРОВНА',
      object: { type: 'msu-application', id: 9, version: 1 },
      fields: { statement: 'Подтверждаю' },
    });
    const v = ok(signXml(xml, pki.key('g01', 'SIGN')), { allowedIins: [g01.iin] });
    expect(v.signedRoot.principalIin).toBe(r06.iin);
    expect(v.signedRoot.actorIin).toBe(g01.iin);
  });

  it('accepts CRLF documents and &#13; line breaks in SignatureValue and X509Certificate', () => {
    const multi = orderXml(r01Iin, { note: 'строка 1\nстрока 2\n\tстрока 3' });
    const s = signXml(multi, pki.key('r01', 'SIGN'));
    const crlf = s.replace(/\n/g, '\r\n');
    expect(crlf).not.toBe(s);
    expect(ok(crlf, { issuedXml: multi }).cert.iin).toBe(r01Iin);
    const wrapped = s
      .replace(
        /(<ds:SignatureValue>)([^<]+)(<\/ds:SignatureValue>)/,
        (_m, a: string, b: string, c: string) => {
          return a + (b.match(/.{1,76}/g) ?? []).join('&#13;\n') + c;
        },
      )
      .replace(
        /(<ds:X509Certificate>)([^<]+)(<\/ds:X509Certificate>)/,
        (_m, a: string, b: string, c: string) => {
          return a + '\n' + (b.match(/.{1,64}/g) ?? []).join('&#13;\r\n') + '\n' + c;
        },
      );
    expect(wrapped).toContain('&#13;');
    expect(ok(wrapped).cert.iin).toBe(r01Iin);
    expect(ok(wrapped.replace(/\n/g, '\r\n')).cert.iin).toBe(r01Iin);
  });

  it('accepts an XML declaration and pretty-printed signatures of other signers', () => {
    const s = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>' + signed;
    expect(ok(s).cert.iin).toBe(r01Iin);
  });

  it('accepts exclusive c14n (SignedInfo and transform)', () => {
    const s = xmlCryptoSign(issued, pki.key('r01', 'SIGN'), {
      c14n: ALG.excC14n,
      transforms: [ALG.enveloped, ALG.excC14n],
    });
    expect(s).toContain(ALG.excC14n);
    const v = ok(s, { issuedXml: issued });
    expect(v.algorithms.canonicalization).toBe(ALG.excC14n);
    // and the plain enveloped transform alone (implicit C14N)
    const s2 = xmlCryptoSign(issued, pki.key('r01', 'SIGN'), { transforms: [ALG.enveloped] });
    expect(ok(s2, { issuedXml: issued }).cert.iin).toBe(r01Iin);
  });

  it('prepare/complete (server computes SignedInfo, the key signs it) gives a document that verifies', () => {
    const key = pki.key('r02', 'SIGN');
    const xml = orderXml(pki.person('r02').iin);
    const p = prepareSignature(xml, key.certPem);
    expect(p.template).toContain('<ds:SignatureValue></ds:SignatureValue>');
    expect(p.signedInfo.startsWith('<ds:SignedInfo xmlns="urn:portal:eds:order:1" xmlns:ds="')).toBe(true);
    // node:crypto signer
    const s1 = completeSignature(
      p.template,
      createSign('sha256').update(p.signedInfo, 'utf8').sign(key.privateKeyPem, 'base64'),
    );
    expect(ok(s1, { issuedXml: xml }).cert.iin).toBe(pki.person('r02').iin);
    // node-forge, as the browser signer does it
    const fkey = forge.pki.privateKeyFromPem(key.privateKeyPem);
    const md = forge.md.sha256.create();
    md.update(p.signedInfo, 'utf8');
    const s2 = completeSignature(p.template, forge.util.encode64(fkey.sign(md)));
    expect(s2).toBe(s1);
    expect(s2).toBe(signXml(xml, key));
  });

  it('sameDocument: canonical comparison', () => {
    const v = ok(signed);
    expect(sameDocument(issued.replace('<payload>', '<payload    >'), v.signedContent)).toBe(true);
    expect(sameDocument(issued.replace(/<beds>1<\/beds>/, '<beds>2</beds>'), v.signedContent)).toBe(false);
    expect(sameDocument(orderXml(r01Iin), v.signedContent)).toBe(false);
    expect(sameDocument('<not-xml', v.signedContent)).toBe(false);
    const withEmpty = '<a xmlns="urn:x"><b></b><c x="1" y=\'2\'>t\r\nu</c></a>';
    expect(sameDocument(withEmpty, '<a xmlns="urn:x"><b/><c y="2" x="1">t\nu</c></a>')).toBe(true);
  });
});

describe('negative cases of eds.md, each with its own code', () => {
  it('size limit', () => refused(signed, { maxBytes: 1000 }, 'EDS_TOO_LARGE'));

  it('more elements, attributes, namespace declarations or depth than a portal document has', () => {
    const decls = (n: number) => Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
    const root = '<order xmlns="urn:portal:eds:order:1"';
    refused(signed.replace(root, root + decls(40)), {}, 'EDS_TOO_COMPLEX');
    // spread over many elements, and on the signature, it is the same
    refused(
      signed.replace('<payload>', `<payload>${'<x xmlns:a="urn:a"/>'.repeat(40)}`),
      {},
      'EDS_TOO_COMPLEX',
    );
    refused(signed.replace('<ds:Signature ', `<ds:Signature${decls(40)} `), {}, 'EDS_TOO_COMPLEX');
    const attrs = Array.from({ length: 20 }, (_, i) => ` a${i}="${i}"`).join('');
    refused(signed.replace('<payload>', `<payload${attrs}>`), {}, 'EDS_TOO_COMPLEX');
    refused(signed.replace('<payload>', `<payload>${'<x/>'.repeat(10_001)}`), {}, 'EDS_TOO_COMPLEX');
    refused(
      signed.replace('<payload>', `<payload>${'<x>'.repeat(70)}${'</x>'.repeat(70)}`),
      {},
      'EDS_TOO_COMPLEX',
    );
    // what the portal issues is well inside the limits
    expect(ok(signed, { issuedXml: issued }).cert.iin).toBe(r01Iin);
  });

  it('DOCTYPE and entity payloads', () => {
    refused(`<!DOCTYPE order [<!ENTITY x "y">]>${signed}`, {}, 'EDS_DOCTYPE');
    refused(`<!DOCTYPE order SYSTEM "file:///etc/passwd">${signed}`, {}, 'EDS_DOCTYPE');
    refused(
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
      {},
      'EDS_DOCTYPE',
    );
    refused(
      signed.replace('<payload>', '<payload><!ENTITY xxe SYSTEM "file:///etc/passwd">'),
      {},
      'EDS_DOCTYPE',
    );
  });

  it('malformed XML', () => {
    refused(signed.slice(0, -5), {}, 'EDS_PARSE');
    refused('<?xml version="1.1"?>' + signed, {}, 'EDS_PARSE');
    refused('', {}, 'EDS_PARSE');
    refused(signed.replace('&amp;', '&nbsp;'), {}, 'EDS_PARSE');
  });

  it('a second Signature, or none', () => {
    const sig = signed.slice(signed.indexOf('<ds:Signature'), signed.lastIndexOf('</order>'));
    refused(signed.replace('</order>', sig + '</order>'), {}, 'EDS_SIGNATURE_COUNT');
    refused(signed.replace('<payload>', '<payload>' + sig), {}, 'EDS_SIGNATURE_COUNT');
    refused(issued, {}, 'EDS_SIGNATURE_COUNT');
  });

  it('Signature not the last child of the root', () => {
    const moved = mutate(signed, (d) => {
      const root = d.documentElement as Element;
      const sig = ds(d, 'Signature');
      root.insertBefore(sig, root.firstChild);
    });
    refused(moved, {}, 'EDS_SIGNATURE_PLACEMENT');
  });

  it('the document re-rooted under another element', () => {
    refused(`<wrapper>${signed}</wrapper>`, {}, 'EDS_REROOTED');
    refused(`<wrapper xmlns="urn:portal:eds:order:1"><evil>1</evil>${signed}</wrapper>`, {}, 'EDS_REROOTED');
    // the signature moved up to a new root that wraps the document: the digest no longer matches
    const sigStart = signed.indexOf('<ds:Signature');
    const body = signed.slice(0, sigStart) + '</order>';
    const sig = signed.slice(sigStart, signed.lastIndexOf('</order>'));
    refused(`<wrapper>${body}${sig}</wrapper>`, {}, 'EDS_DIGEST');
  });

  it('two SignedInfo', () => {
    const two = mutate(signed, (d) => {
      const si = ds(d, 'SignedInfo');
      si.parentNode?.insertBefore(si.cloneNode(true), si);
    });
    refused(two, {}, 'EDS_SIGNEDINFO_COUNT');
  });

  it('not exactly one Reference with URI=""', () => {
    refused(signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">'), {}, 'EDS_REFERENCE');
    refused(signed.replace('<ds:Reference URI="">', '<ds:Reference>'), {}, 'EDS_REFERENCE');
    const two = mutate(signed, (d) => {
      const r = ds(d, 'Reference');
      r.parentNode?.appendChild(r.cloneNode(true));
    });
    refused(two, {}, 'EDS_REFERENCE');
  });

  it('a comment inside DigestValue', () => {
    const withComment = signed.replace(/<ds:DigestValue>(.{10})/, '<ds:DigestValue>$1<!-- -->');
    refused(withComment, {}, 'EDS_SIGNATURE_COMMENT');
    refused(signed.replace('</ds:SignedInfo>', '<!--x--></ds:SignedInfo>'), {}, 'EDS_SIGNATURE_COMMENT');
  });

  it('content injected into ds:Signature, KeyInfo or Object', () => {
    const evil = `<ds:Object><order xmlns="urn:portal:eds:order:1"><beds>100</beds></order></ds:Object>`;
    refused(signed.replace('</ds:Signature>', evil + '</ds:Signature>'), {}, 'EDS_INJECTED_CONTENT');
    refused(
      signed.replace('</ds:X509Data>', '</ds:X509Data><ds:KeyName>evil</ds:KeyName>'),
      {},
      'EDS_INJECTED_CONTENT',
    );
    refused(
      signed.replace('<ds:X509Data>', '<ds:X509Data><ds:X509SubjectName>CN=x</ds:X509SubjectName>'),
      {},
      'EDS_INJECTED_CONTENT',
    );
    const cert = /<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/.exec(signed)?.[0] as string;
    refused(signed.replace(cert, cert + cert), {}, 'EDS_INJECTED_CONTENT');
    refused(
      signed.replace('<ds:KeyInfo>', '<ds:KeyInfo><beds xmlns="urn:portal:eds:order:1">100</beds>'),
      {},
      'EDS_INJECTED_CONTENT',
    );
    refused(signed.replace('<ds:KeyInfo>', '<ds:KeyInfo>text'), {}, 'EDS_INJECTED_CONTENT');
    refused(signed.replace('<ds:Signature ', '<ds:Signature evil="1" '), {}, 'EDS_INJECTED_CONTENT');
    refused(signed.replace('</order>', '</order><!-- after -->'), {}, 'EDS_INJECTED_CONTENT');
    refused(signed.replace('<payload>', '<payload><!-- unsigned comment -->'), {}, 'EDS_INJECTED_CONTENT');
  });

  it('rsa-sha1, HMAC and other algorithms', () => {
    const key = pki.key('r01', 'SIGN');
    refused(
      xmlCryptoSign(issued, key, { sig: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }),
      {},
      'EDS_ALGORITHM',
    );
    refused(
      xmlCryptoSign(issued, key, { digest: 'http://www.w3.org/2000/09/xmldsig#sha1' }),
      {},
      'EDS_ALGORITHM',
    );
    refused(
      xmlCryptoSign(issued, key, { sig: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512' }),
      {},
      'EDS_ALGORITHM',
    );
    const hmac = new SignedXml({
      privateKey: Buffer.from('shared secret'),
      signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
      canonicalizationAlgorithm: ALG.c14n,
    });
    hmac.enableHMAC();
    hmac.addReference({
      xpath: '/*',
      transforms: [ALG.enveloped, ALG.c14n],
      digestAlgorithm: ALG.sha256,
      isEmptyUri: true,
    });
    hmac.computeSignature(issued, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
    refused(hmac.getSignedXml(), {}, 'EDS_ALGORITHM');
    refused(
      signed.replace(ALG.rsaSha256, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'),
      {},
      'EDS_ALGORITHM',
    );
    refused(signed.replace(`<ds:Transform Algorithm="${ALG.enveloped}"/>`, ''), {}, 'EDS_ALGORITHM');
    refused(signed.replace(`"${ALG.c14n}"`, '"http://www.w3.org/2006/12/xml-c14n11"'), {}, 'EDS_ALGORITHM');
    refused(
      signed.replace(
        `<ds:Transform Algorithm="${ALG.c14nWithComments}"/>`,
        `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>`,
      ),
      {},
      'EDS_ALGORITHM',
    );
  });

  it('GOST signature', () => {
    const gost = signed
      .replace(ALG.rsaSha256, 'http://www.w3.org/2001/04/xmldsig-more#gostr34102001-gostr3411')
      .replace(ALG.sha256, 'http://www.w3.org/2001/04/xmldsig-more#gostr3411');
    refused(gost, {}, 'EDS_GOST');
    refused(
      signed.replace(
        ALG.rsaSha256,
        'urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512',
      ),
      {},
      'EDS_GOST',
    );
  });

  it('GOST certificate', () => {
    const ca = loadDevCa(pki.dataDir);
    const algId = der.seq(der.oid(OID.sha256WithRSA), der.null());
    const gostSpki = der.seq(
      der.seq(der.oid('1.2.398.3.10.1.1.2.3.1'), der.null()),
      der.bitString(Buffer.alloc(64, 7)),
    );
    const tbs = der.seq(
      der.explicit(0, der.int(2)),
      der.int(0x1234567),
      algId,
      ca.name,
      der.seq(der.time(new Date(Date.now() - 3_600_000)), der.time(new Date(Date.now() + 86_400_000))),
      encodeName({ cn: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', iin: r01Iin }),
      gostSpki,
    );
    const certDer = der.seq(tbs, algId, der.bitString(cryptoSign('sha256', tbs, ca.privateKey)));
    refused(signed.replace(/(<ds:X509Certificate>)[^<]+/, `$1${certDer.toString('base64')}`), {}, 'EDS_GOST');
  });

  it('no certificate, or a garbled one', () => {
    refused(signed.replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, ''), {}, 'EDS_CERT_MISSING');
    refused(signed.replace(/<ds:KeyInfo>.*<\/ds:KeyInfo>/, ''), {}, 'EDS_CERT_MISSING');
    refused(signed.replace(/(<ds:X509Certificate>)[^<]+/, '$1AAAA'), {}, 'EDS_CERT_PARSE');
    refused(signed.replace(/(<ds:X509Certificate>)[^<]+/, '$1not base64!'), {}, 'EDS_CERT_PARSE');
  });

  it('foreign CA with a copied DN', () => {
    const s = signXml(issued, pki.key('foreign', 'SIGN'));
    refused(s, { allowedIins: [r01Iin] }, 'EDS_CERT_UNTRUSTED');
  });

  describe('odd certificates', () => {
    let ca: ReturnType<typeof loadDevCa>;
    const subject = () => ({
      cn: 'ТЕСТОВ ТЕСТ',
      surname: 'ТЕСТОВ',
      iin: r01Iin,
      patronymic: 'ТЕСТОВИЧ',
    });
    const sign = (k: IssuedKey) => signXml(issued, { privateKeyPem: k.privateKeyPem, certPem: k.certPem });
    beforeAll(() => {
      ca = loadDevCa(pki.dataDir);
    });

    it('self-signed user certificate', async () => {
      const k = await issueCertificate({ issuer: 'self', subject: subject(), keyType: 'SIGN' });
      refused(sign(k), { allowedIins: [r01Iin] }, 'EDS_CERT_SELF_SIGNED');
    });

    it('expired and not-yet-valid certificates', async () => {
      refused(signXml(issued, pki.key('expired', 'SIGN')), { allowedIins: [r01Iin] }, 'EDS_CERT_EXPIRED');
      const future = await issueCertificate({
        issuer: ca,
        subject: subject(),
        keyType: 'SIGN',
        notBefore: new Date(Date.now() + 86_400_000),
      });
      refused(sign(future), { allowedIins: [r01Iin] }, 'EDS_CERT_NOT_YET_VALID');
      // the same certificate is fine once its time has come
      expect(ok(sign(future), { now: new Date(Date.now() + 2 * 86_400_000) }).cert.iin).toBe(r01Iin);
    });

    it('RSA-1024 and sha1 certificates', async () => {
      const weak = await issueCertificate({ issuer: ca, subject: subject(), keyType: 'SIGN', bits: 1024 });
      expect(weak.cert.keyBits).toBe(1024);
      refused(sign(weak), {}, 'EDS_CERT_WEAK');
      const sha1 = await issueCertificate({ issuer: ca, subject: subject(), keyType: 'SIGN', hash: 'sha1' });
      expect(sha1.cert.signatureAlgorithm).toBe('1.2.840.113549.1.1.5');
      refused(sign(sha1), {}, 'EDS_CERT_WEAK');
    });

    it('certificate without an IIN', async () => {
      const k = await issueCertificate({ issuer: ca, subject: { cn: 'NO IIN' }, keyType: 'SIGN' });
      refused(sign(k), {}, 'EDS_CERT_IIN');
    });
  });

  it('revoked certificate', () => {
    refused(signXml(issued, pki.key('revoked', 'SIGN')), { allowedIins: [r01Iin] }, 'EDS_CERT_REVOKED');
  });

  it('stale CRL (and a missing one) refused when configured; accepted and logged otherwise', () => {
    const later = new Date(Date.now() + 31 * 86_400_000);
    refused(signed, { now: later }, 'EDS_CRL_STALE');
    const pkiDir = path.join(pki.dataDir, 'pki');
    const logs: TrustLogEntry[] = [];
    const lenient = TrustStore.fromDirectory(pkiDir, { refuseWhenCrlStale: false, log: (e) => logs.push(e) });
    expect(verifySignedXml(signed, { trust: lenient, expect: 'SIGN', now: later }).cert.iin).toBe(r01Iin);
    expect(logs.some((l) => l.level === 'warn')).toBe(true);
    const noCrl = new TrustStore({
      anchors: [fs.readFileSync(path.join(pkiDir, 'root.pem')), fs.readFileSync(path.join(pkiDir, 'ca.pem'))],
    });
    expect(codeOf(() => verifySignedXml(signed, { trust: noCrl, expect: 'SIGN' }))).toBe('EDS_CRL_STALE');
    // before its thisUpdate a CRL is not fresh either
    const issuer = pki.trust.getAnchors().find((a) => !a.root)?.id as string;
    expect(pki.trust.crlFresh(issuer)).toBe(true);
    expect(pki.trust.crlFresh(issuer, new Date(Date.now() - 2 * 3_600_000))).toBe(false);
    expect(pki.trust.crlFresh(issuer, later)).toBe(false);
  });

  it('a CRL not signed by the issuer is rejected', async () => {
    const ca = loadDevCa(pki.dataDir);
    const other = await generateRsaKey();
    const forged = buildCrl({
      issuer: ca.name,
      issuerKey: other.privateKey,
      issuerPublicKey: other.publicKey,
      thisUpdate: new Date(Date.now() - 1000),
      nextUpdate: new Date(Date.now() + 86_400_000),
      revoked: [],
      crlNumber: 99,
    });
    expect(() => pki.trust.addCrl(forged, 'forged')).toThrow(/not signed/);
  });

  it('AUTH key used to sign a document, SIGN key used to log in', () => {
    refused(signXml(issued, pki.key('r01', 'AUTH')), {}, 'EDS_KEY_TYPE_AUTH_FOR_SIGN');
    refused(signed, { expect: 'AUTH', subject: 'any' }, 'EDS_KEY_TYPE_SIGN_FOR_AUTH');
    const cert = { ...pki.key('r01', 'SIGN').cert, keyType: 'UNKNOWN' as const };
    const code = codeOf(() => checkCertificateUse(cert, 'SIGN'));
    expect(code).toBe('EDS_KEY_TYPE_UNKNOWN');
    seen.add(code);
  });

  it('legal-entity certificate where an individual must act; individual where an employee must', () => {
    refused(signXml(issued, pki.key('legal-entity', 'SIGN')), { allowedIins: [r01Iin] }, 'EDS_LEGAL_ENTITY');
    refused(signXml(issued, pki.key('e01', 'SIGN')), {}, 'EDS_LEGAL_ENTITY');
    refused(signed, { subject: 'employee' }, 'EDS_NOT_EMPLOYEE');
  });

  it('IIN other than the acting user', () => {
    refused(signed, { allowedIins: [pki.person('r02').iin] }, 'EDS_IIN_MISMATCH');
  });

  it('a changed text node or attribute', () => {
    refused(signed.replace('<beds>1</beds>', '<beds>2</beds>'), {}, 'EDS_DIGEST');
    refused(signed.replace('<payload>', '<payload status="approved">'), {}, 'EDS_DIGEST');
    refused(
      signed.replace('xmlns="urn:portal:eds:order:1"', 'xmlns="urn:portal:eds:refusal:1"'),
      {},
      'EDS_DIGEST',
    );
    refused(
      signed.replace('<decision>approved</decision>', '<decision>approved</decision><decision>x</decision>'),
      {},
      'EDS_DIGEST',
    );
  });

  it('the KeyInfo certificate swapped for another key', () => {
    const other = pki.key('r02', 'SIGN').certPem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = signed.replace(/(<ds:X509Certificate>)[^<]+/, `$1${other}`);
    refused(swapped, {}, 'EDS_SIGNATURE_VALUE');
    // with the acting user known, the swap is caught even earlier
    refused(swapped, { allowedIins: [r01Iin] }, 'EDS_IIN_MISMATCH');
    // the same person's other key (AUTH) also fails on key type first
    const auth = pki.key('r01', 'AUTH').certPem.replace(/-----[^-]+-----|\s/g, '');
    refused(signed.replace(/(<ds:X509Certificate>)[^<]+/, `$1${auth}`), {}, 'EDS_KEY_TYPE_AUTH_FOR_SIGN');
    // and an altered SignatureValue
    const sv = /<ds:SignatureValue>([^<]+)</.exec(signed)?.[1] as string;
    const flipped = (sv[0] === 'A' ? 'B' : 'A') + sv.slice(1);
    refused(signed.replace(sv, flipped), {}, 'EDS_SIGNATURE_VALUE');
    refused(signed.replace(sv, sv.slice(0, -4) + sv.slice(-4).replace(/./, '!')), {}, 'EDS_SIGNATURE_VALUE');
  });

  it('a document other than the one issued for this request', () => {
    refused(signed, { issuedXml: orderXml(r01Iin) }, 'EDS_DOCUMENT_MISMATCH');
    refused(
      signed,
      { issuedXml: issued.replace('<beds>1</beds>', '<beds>3</beds>') },
      'EDS_DOCUMENT_MISMATCH',
    );
  });

  it('every verifier code is exercised and has its own message', () => {
    const webLayer: EdsErrorCode[] = [
      'EDS_REQUEST_USED',
      'EDS_REQUEST_EXPIRED',
      'EDS_CHALLENGE_USED',
      'EDS_CHALLENGE_EXPIRED',
      'EDS_P12_PASSWORD',
      'EDS_P12_FORMAT',
    ];
    const expected = EDS_ERROR_CODES.filter((c) => !webLayer.includes(c));
    expect([...seen].sort()).toEqual([...expected].sort());
    const messages = EDS_ERROR_CODES.map((c) => new EdsError(c).message);
    expect(new Set(messages).size).toBe(messages.length);
  });
});
