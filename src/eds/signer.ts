/**
 * A Node signer producing exactly the NCALayer/Kalkan profile of eds.md: enveloped signature, last
 * child of the root, `ds:` prefix, C14N 1.0 SignedInfo, rsa-sha256, one Reference URI="" with the
 * enveloped-signature + c14n#WithComments transforms, sha256 digest, KeyInfo/X509Data/X509Certificate.
 *
 * The two-step helpers let a browser sign with a key that never leaves it: the server computes the
 * canonical SignedInfo (prepareSignature), the browser signs those bytes (RSA PKCS#1 v1.5 SHA-256)
 * and fills the value into the template (completeSignature).
 */
import { createHash, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import forge from 'node-forge';
import { C14nCanonicalization, findAncestorNs } from 'xml-crypto';
import { certificateDer, derToPem, parseCertificate, strictBase64, type CertInfo } from './certificate.js';
import { EdsError } from './errors.js';
import { ALG, DSIG_NS, canonicalRoot, parseXmlStrict } from './xml.js';

export interface SignKeyMaterial {
  privateKeyPem: string | KeyObject;
  certPem: string;
}

export interface PreparedSignature {
  /** canonical SignedInfo (UTF-8 text): sign exactly these bytes with RSA PKCS#1 v1.5 SHA-256 */
  signedInfo: string;
  /** the document with its ds:Signature and an empty <ds:SignatureValue></ds:SignatureValue> */
  template: string;
}

export const EMPTY_SIGNATURE_VALUE = '<ds:SignatureValue></ds:SignatureValue>';

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

function signatureElement(digestB64: string, certB64: string): string {
  return (
    `<ds:Signature xmlns:ds="${DSIG_NS}">` +
    `<ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${ALG.c14n}"/>` +
    `<ds:SignatureMethod Algorithm="${ALG.rsaSha256}"/>` +
    `<ds:Reference URI="">` +
    `<ds:Transforms>` +
    `<ds:Transform Algorithm="${ALG.enveloped}"/>` +
    `<ds:Transform Algorithm="${ALG.c14nWithComments}"/>` +
    `</ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"/>` +
    `<ds:DigestValue>${digestB64}</ds:DigestValue>` +
    `</ds:Reference>` +
    `</ds:SignedInfo>` +
    EMPTY_SIGNATURE_VALUE +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `</ds:Signature>`
  );
}

/** Inserts `fragment` as the last child of the root, keeping the original text untouched. */
function appendToRoot(xml: string, rootTag: string, fragment: string): string {
  const trimmed = xml.replace(/\s+$/, '');
  const close = `</${rootTag}>`;
  if (trimmed.endsWith(close)) {
    const at = trimmed.length - close.length;
    return trimmed.slice(0, at) + fragment + trimmed.slice(at) + xml.slice(trimmed.length);
  }
  const selfClose = /\/\s*>$/.exec(trimmed);
  if (selfClose) {
    return trimmed.slice(0, selfClose.index) + '>' + fragment + close + xml.slice(trimmed.length);
  }
  throw new Error('the document must end with its root element');
}

/** Step one: the document with a Signature template and the canonical SignedInfo to be signed. */
export function prepareSignature(xml: string, certPem: string): PreparedSignature {
  const doc = parseXmlStrict(xml, NO_LIMIT);
  const root = doc.documentElement as Element;
  if (doc.getElementsByTagNameNS(DSIG_NS, 'Signature').length > 0) {
    throw new EdsError('EDS_SIGNATURE_COUNT', 'the document is already signed');
  }
  const certB64 = certificateDer(certPem).toString('base64');
  // URI="" drops comments; enveloped-signature + c14n#WithComments of the rest = C14N of the root
  const digest = createHash('sha256').update(canonicalRoot(doc), 'utf8').digest('base64');
  const template = appendToRoot(xml, root.tagName, signatureElement(digest, certB64));
  const tdoc = parseXmlStrict(template, NO_LIMIT);
  const signedInfo = tdoc.getElementsByTagNameNS(DSIG_NS, 'SignedInfo')[0];
  if (!signedInfo) throw new Error('SignedInfo missing from the template');
  const ancestorNamespaces = findAncestorNs(
    tdoc as unknown as globalThis.Document,
    "//*[local-name()='SignedInfo']",
  );
  const canon = new C14nCanonicalization().process(signedInfo as unknown as Node, {
    ancestorNamespaces,
    defaultNsForPrefix: { ds: DSIG_NS },
  });
  return { signedInfo: canon, template };
}

/** Step two: puts the base64 signature value into the template. */
export function completeSignature(template: string, signatureValueBase64: string): string {
  const sig = strictBase64(signatureValueBase64);
  if (!sig) throw new EdsError('EDS_SIGNATURE_VALUE', 'signature value is not base64');
  const at = template.lastIndexOf(EMPTY_SIGNATURE_VALUE);
  if (at < 0) throw new Error('not a signature template');
  return (
    template.slice(0, at) +
    `<ds:SignatureValue>${sig.toString('base64')}</ds:SignatureValue>` +
    template.slice(at + EMPTY_SIGNATURE_VALUE.length)
  );
}

const keyCache = new Map<string, KeyObject>();

function toKeyObject(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  let k = keyCache.get(key);
  if (!k) {
    k = createPrivateKey(key);
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(key, k);
  }
  return k;
}

/** Signs the canonical SignedInfo bytes (RSA PKCS#1 v1.5, SHA-256); base64. */
export function signSignedInfo(signedInfo: string, privateKey: string | KeyObject): string {
  return cryptoSign('sha256', Buffer.from(signedInfo, 'utf8'), toKeyObject(privateKey)).toString('base64');
}

/** Signs a document with the NCALayer profile. */
export function signXml(xml: string, key: SignKeyMaterial): string {
  const { signedInfo, template } = prepareSignature(xml, key.certPem);
  return completeSignature(template, signSignedInfo(signedInfo, key.privateKeyPem));
}

// ------------------------------------------------------------------ PKCS#12

export interface LoadedP12 {
  privateKeyPem: string;
  certPem: string;
  cert: CertInfo;
}

type ForgeBag = forge.pkcs12.Bag;
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/** Reads an NCA-style .p12 (node-forge). A wrong password → EdsError EDS_P12_PASSWORD. */
export function loadP12(buffer: Buffer | Uint8Array, password: string): LoadedP12 {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(Buffer.from(buffer).toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Invalid password|MAC could not be verified|decrypt/i.test(msg))
      throw new EdsError('EDS_P12_PASSWORD');
    if (/not RSA|Unsupported OID|Unknown OID/i.test(msg)) throw new EdsError('EDS_GOST', msg);
    throw new EdsError('EDS_P12_FORMAT', msg);
  }
  const keyBags: ForgeBag[] = [
    ...(p12.getBags({ bagType: SHROUDED_KEY_BAG })[SHROUDED_KEY_BAG] ?? []),
    ...(p12.getBags({ bagType: KEY_BAG })[KEY_BAG] ?? []),
  ];
  const certBags: ForgeBag[] = p12.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? [];
  const keyBag = keyBags.find((b) => b.key);
  if (!keyBag?.key) {
    // forge leaves `key` empty when it cannot read a decrypted key of another algorithm (GOST)
    if (keyBags.length > 0) throw new EdsError('EDS_GOST', 'the key is not RSA');
    throw new EdsError('EDS_P12_FORMAT', 'no private key in the file');
  }
  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  const mine = certBags.find((b) => {
    const pub = b.cert?.publicKey as forge.pki.rsa.PublicKey | undefined;
    return pub?.n !== undefined && pub.n.equals(key.n) && pub.e.equals(key.e);
  });
  if (!mine?.cert) throw new EdsError('EDS_P12_FORMAT', 'no certificate for the private key');
  const certDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(mine.cert)).getBytes(), 'binary');
  const certPem = derToPem(certDer);
  const privateKeyPem = forge.pki.privateKeyToPem(key);
  return { privateKeyPem, certPem, cert: parseCertificate(certDer) };
}
