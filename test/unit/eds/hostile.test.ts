/**
 * Hostile signed documents cost the server almost nothing: the limits of the parser step and the
 * comparison with the issued document run before xml-crypto, whose canonicalisation is quadratic in
 * namespace declarations (15,000 of them blocked the event loop for seconds).
 */
import { C14nCanonicalization, ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderDocument } from '../../../src/eds/documents.js';
import { signXml } from '../../../src/eds/signer.js';
import { verifySignedXml, type VerifyOptions } from '../../../src/eds/verify.js';
import { ALG, DSIG_NS } from '../../../src/eds/xml.js';
import { codeOf, orderXml, setupPki, type Pki } from './fixtures.js';

let pki: Pki;
let challenge: string;
let loginSigned: string;
let order: string;
let orderSigned: string;

beforeAll(async () => {
  pki = await setupPki(['r01']);
  challenge = renderDocument('auth-challenge', {
    object: { type: 'portal', id: 'login', version: 0 },
    fields: { purpose: 'login', nonce: 'hostile-test' },
  });
  loginSigned = signXml(challenge, pki.key('r01', 'AUTH'));
  order = orderXml(pki.person('r01').iin);
  orderSigned = signXml(order, pki.key('r01', 'SIGN'));
}, 60_000);

afterAll(() => pki.cleanup());
afterEach(() => vi.restoreAllMocks());

const declarations = (n: number) => Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');

/** 15,000 declarations on the root or on ds:Signature, with the signer's public certificate or none */
function hostile(signed: string, rootOpen: string): Array<[string, string]> {
  const ns = declarations(15_000);
  const onRoot = signed.replace(rootOpen, (m) => m + ns);
  const onSig = signed.replace(`<ds:Signature xmlns:ds="${DSIG_NS}"`, (m) => m + ns);
  const noCert = (xml: string) => xml.replace(/<ds:KeyInfo>[\s\S]*<\/ds:KeyInfo>/, '');
  return [
    ['on the root, public certificate', onRoot],
    ['on the root, no certificate', noCert(onRoot)],
    ['on ds:Signature, public certificate', onSig],
    ['on ds:Signature, no certificate', noCert(onSig)],
  ];
}

/**
 * The CPU time the refusal costs (the best of three runs): unlike the time on the clock, a machine
 * busy with other processes does not stretch it, and the quadratic path this guards against costs
 * seconds of CPU every time, so the bound still fails without the early refusal.
 */
function timed(xml: string, opts: VerifyOptions): { ms: number; code: string } {
  let best = Infinity;
  let code = '';
  for (let i = 0; i < 3; i++) {
    const cpu0 = process.cpuUsage();
    code = codeOf(() => verifySignedXml(xml, opts));
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1000);
  }
  return { ms: best, code };
}

describe('hostile documents', () => {
  it('15,000 namespace declarations are refused for under 50 ms of CPU each (login and signed step)', () => {
    const login = hostile(loginSigned, '<auth-challenge xmlns="urn:portal:eds:auth-challenge:1"');
    const step = hostile(orderSigned, '<order xmlns="urn:portal:eds:order:1"');
    for (const [what, xml] of login) {
      expect(xml.length, what).toBeGreaterThan(300_000);
      const r = timed(xml, { trust: pki.trust, expect: 'AUTH', issuedXml: challenge });
      expect(r.code, what).toBe('EDS_TOO_COMPLEX');
      expect(r.ms, what).toBeLessThan(50);
    }
    for (const [what, xml] of step) {
      const r = timed(xml, {
        trust: pki.trust,
        expect: 'SIGN',
        allowedIins: [pki.person('r01').iin],
        issuedXml: order,
      });
      expect(r.code, what).toBe('EDS_TOO_COMPLEX');
      expect(r.ms, what).toBeLessThan(50);
    }
  });

  it('a document other than the issued one is refused before xml-crypto canonicalises anything', () => {
    // the posted tree is the one with a ds:Signature (the issued document has none, and its canonical
    // form is computed only to name the refusal)
    const inclusive = vi.spyOn(C14nCanonicalization.prototype, 'process');
    const exclusive = vi.spyOn(ExclusiveCanonicalization.prototype, 'process');
    const postedCanonicalised = () =>
      [...inclusive.mock.calls, ...exclusive.mock.calls].filter(([node]) => {
        const doc = (node as Node).ownerDocument ?? (node as unknown as Document);
        return doc.getElementsByTagNameNS(DSIG_NS, 'Signature').length > 0;
      }).length;
    const opts: VerifyOptions = { trust: pki.trust, expect: 'SIGN', issuedXml: order };
    // changed after signing: the DigestValue is the issued document's
    expect(codeOf(() => verifySignedXml(orderSigned.replace('<beds>1</beds>', '<beds>2</beds>'), opts))).toBe(
      'EDS_DIGEST',
    );
    // 12 declarations (within the parser's limits) added to the root after signing
    const root = '<order xmlns="urn:portal:eds:order:1"';
    expect(codeOf(() => verifySignedXml(orderSigned.replace(root, root + declarations(12)), opts))).toBe(
      'EDS_DIGEST',
    );
    expect(postedCanonicalised()).toBe(0);
    // another document, properly signed
    const other = signXml(orderXml(pki.person('r01').iin, { beds: '5' }), pki.key('r01', 'SIGN'));
    inclusive.mockClear(); // signing it canonicalised it
    exclusive.mockClear();
    expect(codeOf(() => verifySignedXml(other, opts))).toBe('EDS_DOCUMENT_MISMATCH');
    expect(postedCanonicalised()).toBe(0);
    // the issued document itself goes on to xml-crypto's canonicalisation (SignedInfo, the reference)
    expect(verifySignedXml(orderSigned, opts).cert.iin).toBe(pki.person('r01').iin);
    expect(postedCanonicalised()).toBe(2);
  });

  it('an element named like the signature in another namespace is not taken for it', () => {
    const opts: VerifyOptions = { trust: pki.trust, expect: 'SIGN', issuedXml: order };
    const decoy = '<ds:Signature xmlns:ds="urn:decoy"></ds:Signature>';
    // added after signing, before the real signature: the text without "the" signature is not the issued one
    const before = orderSigned.replace('<ds:Signature', decoy + '<ds:Signature');
    expect(codeOf(() => verifySignedXml(before, opts))).toBe('EDS_DIGEST');
    // signed with it: another document
    const withDecoy = order.replace('</order>', `${decoy}</order>`);
    const signed = signXml(withDecoy, pki.key('r01', 'SIGN'));
    expect(codeOf(() => verifySignedXml(signed, opts))).toBe('EDS_DOCUMENT_MISMATCH');
    // the issued document with CRLF line breaks and a declaration is still the issued document
    const declared = `<?xml version="1.0" encoding="UTF-8"?>\r\n${orderSigned}`;
    expect(verifySignedXml(declared, opts).cert.iin).toBe(pki.person('r01').iin);
  });

  it('an unused namespace declaration hidden by exclusive c14n is still a different document', () => {
    const root = '<order xmlns="urn:portal:eds:order:1"';
    const padded = order.replace(root, `${root} xmlns:evil="urn:evil"`);
    const key = pki.key('r01', 'SIGN');
    const sx = new SignedXml({
      privateKey: key.privateKeyPem,
      publicCert: key.certPem,
      signatureAlgorithm: ALG.rsaSha256,
      canonicalizationAlgorithm: ALG.excC14n,
    });
    sx.addReference({
      xpath: '/*',
      transforms: [ALG.enveloped, ALG.excC14n],
      digestAlgorithm: ALG.sha256,
      isEmptyUri: true,
    });
    sx.computeSignature(padded, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
    const signed = sx.getSignedXml();
    // the signature itself is sound: without the issued document it verifies
    expect(verifySignedXml(signed, { trust: pki.trust, expect: 'SIGN' }).cert.iin).toBe(
      pki.person('r01').iin,
    );
    expect(
      codeOf(() => verifySignedXml(signed, { trust: pki.trust, expect: 'SIGN', issuedXml: order })),
    ).toMatch(/^EDS_(DIGEST|DOCUMENT_MISMATCH)$/);
  });
});
