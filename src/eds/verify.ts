/**
 * Server-side verification of an enveloped XML signature, in the order of eds.md:
 *  1. size limit, no DOCTYPE, limits on elements, attributes, namespace declarations and depth,
 *     strict parse;
 *  2. exactly one ds:Signature, the last child of the root; one SignedInfo; one Reference URI="";
 *     nothing else inside the signature (no Object, no comments, one X509Certificate);
 *  3. algorithms on the allowlist (GOST named as such);
 *  4. the KeyInfo certificate checked first: chain to the trust anchors, validity, CRL, strength,
 *     key type, individual/employee, IIN;
 *  4b. when the issued document is known: the posted document minus its signature must be it, node
 *     for node (no canonicalisation yet: xml-crypto's is quadratic in namespace declarations);
 *  5. xml-crypto checkSignature with that certificate only;
 *  6. business data only from getSignedReferences()[0].
 * Every refusal is an EdsError; nothing else escapes.
 */
import { createHash, verify as rsaVerify, type KeyObject } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { findAncestorNsForElement } from 'xml-crypto/lib/utils.js';
import { strictBase64, type CertInfo } from './certificate.js';
import { EdsError } from './errors.js';
import type { TrustStore } from './trust-store.js';
import {
  ALG,
  CANONICALIZATIONS,
  DEFAULT_MAX_BYTES,
  DSIG_NS,
  NODE_TYPE,
  canonicalRoot,
  directText,
  elementChildren,
  hasText,
  isDs,
  parseXmlStrict,
} from './xml.js';

export type ExpectedKey = 'AUTH' | 'SIGN';
export type SubjectRequirement = 'individual' | 'employee' | 'any';

export interface VerifyOptions {
  trust: TrustStore;
  /** SIGN for documents, AUTH for login */
  expect: ExpectedKey;
  /** who must act: an individual (default), an organisation's employee, or anyone */
  subject?: SubjectRequirement;
  /** SERIALNUMBER must be one of these IINs (the acting user, or the guardian acting for a ward) */
  allowedIins?: readonly string[];
  now?: Date;
  maxBytes?: number;
  /** when given, the signed content must equal this issued document canonically */
  issuedXml?: string;
}

export interface SignedRoot {
  /** local name of the signed root element */
  name: string;
  namespace: string | null;
  /** `order` for `urn:portal:eds:order:1`, null for other namespaces */
  kind: string | null;
  /** text of the root's `id` child (portal documents), null otherwise */
  id: string | null;
  actorIin: string | null;
  principalIin: string | null;
}

export interface VerifiedDocument {
  cert: CertInfo & { iin: string };
  /** the document exactly as received (keep it as evidence) */
  signedXml: string;
  /** canonical form of getSignedReferences()[0]: the only source of business data */
  signedContent: string;
  /** root element, id, actor and principal of the signed content (computed on first access) */
  readonly signedRoot: SignedRoot;
  /** DigestValue: base64 SHA-256 of signedContent */
  digest: string;
  /** hex SHA-256 of signedXml */
  sha256: string;
  algorithms: { canonicalization: string; signature: string; digest: string; transforms: string[] };
}

interface SignatureParts {
  signature: Element;
  canonicalization: string;
  signatureMethod: string;
  digestMethod: string;
  transforms: string[];
  digestValue: string;
  signatureValue: string;
  certBase64: string;
}

const MAX_DEPTH = 64;
/** Id only where it is signed (SignedInfo); unsigned parts of the signature carry no attributes */
const SIGNED_ID = new Set(['Id']);
const NO_ATTRS: ReadonlySet<string> = new Set();

function isNsDecl(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

function onlyAttrs(el: Element, allowed: ReadonlySet<string>): boolean {
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a && !isNsDecl(a.name) && !allowed.has(a.name)) return false;
  }
  return true;
}

function injected(detail: string): never {
  throw new EdsError('EDS_INJECTED_CONTENT', detail);
}

/** Text of an element that may hold only text (base64 values). */
function textOnly(el: Element, what: string): string {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== NODE_TYPE.TEXT) injected(`${what} may hold only text`);
  }
  return directText(el);
}

const ALGORITHM_ATTR = new Set(['Algorithm']);

function algorithmOf(el: Element, allowInclusiveNs: boolean): string {
  if (!onlyAttrs(el, ALGORITHM_ATTR)) injected(`unexpected attribute on ${el.localName}`);
  const alg = el.getAttribute('Algorithm');
  if (alg === null) throw new EdsError('EDS_ALGORITHM', `${el.localName} without Algorithm`);
  if (/gost/i.test(alg)) throw new EdsError('EDS_GOST', alg);
  const kids = elementChildren(el);
  for (const k of kids) {
    const isIncl = k.localName === 'InclusiveNamespaces' && k.namespaceURI === ALG.excC14n;
    if (!(
      isIncl &&
      allowInclusiveNs &&
      (alg === ALG.excC14n || alg === ALG.excC14nWithComments) &&
      kids.length === 1
    )) {
      if (el.localName === 'SignatureMethod') throw new EdsError('EDS_ALGORITHM', `${alg} with parameters`);
      injected(`unexpected ${k.localName} in ${el.localName}`);
    }
  }
  if (hasText(el)) injected(`text in ${el.localName}`);
  return alg;
}

/** Walks the whole document once (iteratively): signatures, comments, PIs, depth. */
function scan(doc: Document): Element[] {
  const signatures: Element[] = [];
  const root = doc.documentElement as Element;
  // nodes outside the root: only whitespace (and the XML declaration, which xmldom keeps as a PI)
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n === root) continue;
    if (n.nodeType === NODE_TYPE.TEXT && !/\S/.test(n.nodeValue ?? '')) continue;
    if (n.nodeType === NODE_TYPE.PI && n.nodeName === 'xml' && n === doc.firstChild) continue; // the declaration
    if (n.nodeType === NODE_TYPE.DOCUMENT_TYPE) throw new EdsError('EDS_DOCTYPE');
    injected('content outside the root element');
  }
  const stack: Array<{ el: Element; depth: number; inSig: boolean }> = [{ el: root, depth: 0, inSig: false }];
  let commentInSig = false;
  let commentOutside = false;
  while (stack.length > 0) {
    const { el, depth, inSig } = stack.pop() as { el: Element; depth: number; inSig: boolean };
    if (depth > MAX_DEPTH) throw new EdsError('EDS_PARSE', 'nesting too deep');
    const isSig = el.localName === 'Signature' && el.namespaceURI === DSIG_NS;
    if (isSig) signatures.push(el);
    const childInSig = inSig || isSig;
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === NODE_TYPE.ELEMENT)
        stack.push({ el: n as Element, depth: depth + 1, inSig: childInSig });
      else if (n.nodeType === NODE_TYPE.COMMENT || n.nodeType === NODE_TYPE.PI) {
        if (childInSig) commentInSig = true;
        else commentOutside = true;
      }
    }
  }
  if (signatures.length !== 1) {
    throw new EdsError('EDS_SIGNATURE_COUNT', `${signatures.length} ds:Signature elements`);
  }
  if (commentInSig) throw new EdsError('EDS_SIGNATURE_COMMENT');
  if (commentOutside) injected('comments or processing instructions in the document');
  return signatures;
}

function signatureParts(doc: Document): SignatureParts {
  const [signature] = scan(doc) as [Element];
  const root = doc.documentElement as Element;
  if (signature.parentNode !== root) throw new EdsError('EDS_REROOTED');
  const rootKids = elementChildren(root);
  if (rootKids[rootKids.length - 1] !== signature) {
    throw new EdsError('EDS_SIGNATURE_PLACEMENT', 'ds:Signature is not the last child of the root');
  }
  if (!onlyAttrs(signature, NO_ATTRS)) injected('unexpected attribute on ds:Signature');
  const kids = elementChildren(signature);
  const signedInfos = kids.filter((k) => isDs(k, 'SignedInfo'));
  if (signedInfos.length !== 1)
    throw new EdsError('EDS_SIGNEDINFO_COUNT', `${signedInfos.length} ds:SignedInfo`);
  if (hasText(signature)) injected('text in ds:Signature');
  const [si, sv, ki, ...rest] = kids;
  if (si !== signedInfos[0]) injected('ds:SignedInfo must come first');
  if (!sv || !isDs(sv, 'SignatureValue')) {
    if (sv && isDs(sv, 'KeyInfo')) throw new EdsError('EDS_SIGNATURE_VALUE', 'no ds:SignatureValue');
    injected(`unexpected ${sv?.localName ?? 'end'} after ds:SignedInfo`);
  }
  if (rest.length > 0) injected(`unexpected ${rest[0]?.localName} in ds:Signature`);
  if (ki && !isDs(ki, 'KeyInfo')) injected(`unexpected ${ki.localName} in ds:Signature`);

  // SignedInfo
  const signedInfo = si as Element;
  if (!onlyAttrs(signedInfo, SIGNED_ID)) injected('unexpected attribute on ds:SignedInfo');
  if (hasText(signedInfo)) injected('text in ds:SignedInfo');
  const siKids = elementChildren(signedInfo);
  const refs = siKids.filter((k) => isDs(k, 'Reference'));
  if (refs.length !== 1) throw new EdsError('EDS_REFERENCE', `${refs.length} ds:Reference`);
  const [cm, sm, ref, ...siRest] = siKids;
  if (!cm || !isDs(cm, 'CanonicalizationMethod') || !sm || !isDs(sm, 'SignatureMethod') || ref !== refs[0]) {
    injected('ds:SignedInfo must hold CanonicalizationMethod, SignatureMethod, Reference');
  }
  if (siRest.length > 0) injected(`unexpected ${siRest[0]?.localName} in ds:SignedInfo`);
  const reference = ref as Element;
  if (!onlyAttrs(reference, new Set(['URI', 'Id']))) injected('unexpected attribute on ds:Reference');
  if (reference.getAttribute('URI') !== '' || !reference.hasAttribute('URI')) {
    throw new EdsError('EDS_REFERENCE', 'ds:Reference must have URI=""');
  }
  if (hasText(reference)) injected('text in ds:Reference');
  const refKids = elementChildren(reference);
  let idx = 0;
  let transformsEl: Element | null = null;
  if (refKids[0] && isDs(refKids[0], 'Transforms')) transformsEl = refKids[idx++] as Element;
  const dm = refKids[idx++];
  const dv = refKids[idx++];
  if (!dm || !isDs(dm, 'DigestMethod') || !dv || !isDs(dv, 'DigestValue') || refKids.length !== idx) {
    injected('ds:Reference must hold Transforms, DigestMethod, DigestValue');
  }
  const transformEls: Element[] = [];
  if (transformsEl) {
    if (!onlyAttrs(transformsEl, NO_ATTRS)) injected('unexpected attribute on ds:Transforms');
    if (hasText(transformsEl)) injected('text in ds:Transforms');
    for (const t of elementChildren(transformsEl)) {
      if (!isDs(t, 'Transform')) injected(`unexpected ${t.localName} in ds:Transforms`);
      transformEls.push(t);
    }
  }

  // step 3: algorithms (GOST first, so that it is named as such)
  const canonicalization = algorithmOf(cm as Element, true);
  const signatureMethod = algorithmOf(sm as Element, false);
  const transforms = transformEls.map((t) => algorithmOf(t, true));
  const digestMethod = algorithmOf(dm as Element, false);
  if (signatureMethod !== ALG.rsaSha256)
    throw new EdsError('EDS_ALGORITHM', `signature method ${signatureMethod}`);
  if (!CANONICALIZATIONS.has(canonicalization))
    throw new EdsError('EDS_ALGORITHM', `canonicalization ${canonicalization}`);
  if (digestMethod !== ALG.sha256) throw new EdsError('EDS_ALGORITHM', `digest method ${digestMethod}`);
  const [t0, t1, ...tRest] = transforms;
  if (t0 !== ALG.enveloped || tRest.length > 0 || (t1 !== undefined && !CANONICALIZATIONS.has(t1))) {
    throw new EdsError('EDS_ALGORITHM', `transforms ${transforms.join(', ') || '(none)'}`);
  }

  // values
  if (!onlyAttrs(dv as Element, NO_ATTRS)) injected('unexpected attribute on ds:DigestValue');
  const digestValue = textOnly(dv as Element, 'ds:DigestValue');
  const svEl = sv as Element;
  if (!onlyAttrs(svEl, NO_ATTRS)) injected('unexpected attribute on ds:SignatureValue');
  if (elementChildren(svEl).length > 0) injected('elements in ds:SignatureValue');
  const signatureValue = textOnly(svEl, 'ds:SignatureValue');

  // KeyInfo: exactly X509Data/X509Certificate
  if (!ki) throw new EdsError('EDS_CERT_MISSING', 'no ds:KeyInfo');
  const keyInfo = ki;
  if (!onlyAttrs(keyInfo, NO_ATTRS)) injected('unexpected attribute on ds:KeyInfo');
  if (hasText(keyInfo)) injected('text in ds:KeyInfo');
  const kiKids = elementChildren(keyInfo);
  if (kiKids.length === 0) throw new EdsError('EDS_CERT_MISSING', 'empty ds:KeyInfo');
  const [x509Data, ...kiRest] = kiKids as [Element, ...Element[]];
  if (!isDs(x509Data, 'X509Data') || kiRest.length > 0) injected('ds:KeyInfo may hold only one ds:X509Data');
  if (!onlyAttrs(x509Data, NO_ATTRS)) injected('unexpected attribute on ds:X509Data');
  if (hasText(x509Data)) injected('text in ds:X509Data');
  const xdKids = elementChildren(x509Data);
  const certs = xdKids.filter((k) => isDs(k, 'X509Certificate'));
  if (certs.length === 0) throw new EdsError('EDS_CERT_MISSING', 'no ds:X509Certificate');
  if (xdKids.length !== 1) injected('ds:X509Data may hold only one ds:X509Certificate');
  const certEl = certs[0] as Element;
  if (!onlyAttrs(certEl, NO_ATTRS)) injected('unexpected attribute on ds:X509Certificate');
  const certBase64 = textOnly(certEl, 'ds:X509Certificate').replace(/[ \t\r\n]+/g, '');

  return {
    signature,
    canonicalization,
    signatureMethod,
    digestMethod,
    transforms,
    digestValue,
    signatureValue,
    certBase64,
  };
}

/** Key type, subject kind and IIN expectations (end of step 4). */
export function checkCertificateUse(
  cert: CertInfo,
  expect: ExpectedKey,
  subject: SubjectRequirement = 'individual',
  allowedIins?: readonly string[],
): asserts cert is CertInfo & { iin: string } {
  if (cert.keyType !== expect) {
    if (cert.keyType === 'AUTH') throw new EdsError('EDS_KEY_TYPE_AUTH_FOR_SIGN');
    if (cert.keyType === 'SIGN') throw new EdsError('EDS_KEY_TYPE_SIGN_FOR_AUTH');
    throw new EdsError('EDS_KEY_TYPE_UNKNOWN');
  }
  checkSubject(cert, subject);
  if (!cert.iin) throw new EdsError('EDS_CERT_IIN');
  if (allowedIins && !allowedIins.includes(cert.iin)) throw new EdsError('EDS_IIN_MISMATCH');
}

/** Individual where an individual must act; an organisation's employee where one must act. */
export function checkSubject(cert: CertInfo, subject: SubjectRequirement): void {
  if (subject === 'individual' && cert.subjectKind !== 'individual') throw new EdsError('EDS_LEGAL_ENTITY');
  if (subject === 'employee' && (cert.subjectKind !== 'legal' || !cert.bin))
    throw new EdsError('EDS_NOT_EMPLOYEE');
}

function childText(root: Element, name: string): string | null {
  for (const k of elementChildren(root)) if (k.localName === name) return directText(k);
  return null;
}

function describeRoot(signedContent: string): SignedRoot {
  const doc = parseXmlStrict(signedContent, Number.MAX_SAFE_INTEGER);
  const root = doc.documentElement as Element;
  const ns = root.namespaceURI || null;
  const m = ns ? /^urn:portal:eds:([a-z-]+):1$/.exec(ns) : null;
  return {
    name: root.localName ?? root.nodeName,
    namespace: ns,
    kind: m ? (m[1] as string) : null,
    id: childText(root, 'id'),
    actorIin: childText(root, 'actorIin'),
    principalIin: childText(root, 'principalIin'),
  };
}

/** Children as the canonical form sees them: elements (the signature left out) and merged text runs. */
function contentItems(el: Element, skip: Element | null): Array<Element | string> {
  const out: Array<Element | string> = [];
  let text = '';
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n === skip) continue;
    if (n.nodeType === NODE_TYPE.TEXT || n.nodeType === NODE_TYPE.CDATA) text += n.nodeValue ?? '';
    else if (n.nodeType === NODE_TYPE.ELEMENT) {
      if (text) out.push(text);
      text = '';
      out.push(n as Element);
    }
    // comments and PIs outside the signature were refused by scan(); issued documents have none
  }
  if (text) out.push(text);
  return out;
}

function sameAttributes(a: Element, b: Element): boolean {
  if (a.attributes.length !== b.attributes.length) return false;
  for (let i = 0; i < a.attributes.length; i++) {
    const x = a.attributes.item(i);
    if (!x || b.getAttribute(x.name) !== x.value || !b.hasAttribute(x.name)) return false;
  }
  return true;
}

/**
 * Whether the posted document minus its ds:Signature is the issued document, node for node: names,
 * namespaces, attributes with their values, namespace declarations, text. What the parser erases
 * (attribute order and quotes, empty-element tags, CRLF, character references, an XML declaration)
 * does not count; anything else does, so equal trees have equal canonical forms under every
 * canonicalisation the profile allows. Linear in the size of the smaller document.
 */
function sameTree(posted: Element, signature: Element, issued: Element): boolean {
  const stack: Array<[Element, Element]> = [[posted, issued]];
  while (stack.length > 0) {
    const [p, i] = stack.pop() as [Element, Element];
    if (p.nodeName !== i.nodeName || (p.namespaceURI ?? null) !== (i.namespaceURI ?? null)) return false;
    if (!sameAttributes(p, i)) return false;
    const pk = contentItems(p, signature);
    const ik = contentItems(i, null);
    if (pk.length !== ik.length) return false;
    for (let k = 0; k < pk.length; k++) {
      const x = pk[k] as Element | string;
      const y = ik[k] as Element | string;
      if (typeof x === 'string' || typeof y === 'string') {
        if (x !== y) return false;
      } else stack.push([x, y]);
    }
  }
  return true;
}

const SIGNATURE_START = /<ds:Signature[\s>/]/g;
const SIGNATURE_END = '</ds:Signature>';

/**
 * The posted text without its one `<ds:Signature …>…</ds:Signature>`, or null when the text does not
 * have exactly one start tag and one end tag of that name. With one of each they delimit one element;
 * the parsed tree has exactly one ds:Signature, the root's last child (signatureParts), and the issued
 * document has none, so when the rest of the text is the issued document character for character, the
 * posted tree minus its signature is the issued tree: the common case needs no parse of the issued text.
 */
function textWithoutSignature(xml: string): string | null {
  const starts = xml.match(SIGNATURE_START);
  if (!starts || starts.length !== 1) return null;
  const a = xml.search(SIGNATURE_START);
  const b = xml.indexOf(SIGNATURE_END);
  if (b < a || xml.indexOf(SIGNATURE_END, b + 1) !== -1) return null;
  return xml.slice(0, a) + xml.slice(b + SIGNATURE_END.length);
}

/**
 * Step 4b, before xml-crypto canonicalises anything: the posted document minus its signature must
 * be the issued one. A difference is EDS_DIGEST when the signer signed the issued document (its
 * DigestValue is the issued document's digest: the content was changed after signing), otherwise
 * EDS_DOCUMENT_MISMATCH (another document was signed). Both cost one parse of the small issued text.
 */
function checkIssuedContent(
  xml: string,
  doc: Document,
  parts: SignatureParts,
  issuedXml: string,
  digest: Buffer,
): void {
  if (textWithoutSignature(xml) === issuedXml) return;
  const issued = parseXmlStrict(issuedXml, Number.MAX_SAFE_INTEGER);
  if (sameTree(doc.documentElement as Element, parts.signature, issued.documentElement as Element)) return;
  const last = parts.transforms[1];
  const exclusive = last === ALG.excC14n || last === ALG.excC14nWithComments;
  const issuedDigest = createHash('sha256').update(canonicalRoot(issued, { exclusive }), 'utf8').digest();
  if (issuedDigest.equals(digest)) throw new EdsError('EDS_DIGEST', 'the signed document was changed');
  throw new EdsError('EDS_DOCUMENT_MISMATCH');
}

/** xml-crypto's canonicalisation classes by algorithm (the allowlist of step 3). */
function canonicalizer(alg: string): C14nCanonicalization | ExclusiveCanonicalization {
  if (alg === ALG.c14n || alg === ALG.c14nWithComments) return new C14nCanonicalization();
  if (alg === ALG.excC14n || alg === ALG.excC14nWithComments) return new ExclusiveCanonicalization();
  throw new EdsError('EDS_ALGORITHM', `canonicalization ${alg}`);
}

/** PrefixList of an exclusive canonicalisation's InclusiveNamespaces child, as xml-crypto reads it. */
function prefixList(el: Element | undefined): string[] {
  const incl = el ? elementChildren(el).find((k) => k.localName === 'InclusiveNamespaces') : undefined;
  return (incl?.getAttribute('PrefixList') ?? '').split(' ').filter((p) => p.length > 0);
}

/**
 * Step 5 on the tree parsed in step 1, with xml-crypto's canonicalisation (the pieces checkSignature
 * uses, without its second parse of the document and its global XPath scans: signatureParts() has
 * located every node already and refused any other shape). The reference first (URI="" is the root;
 * the enveloped transform leaves out the one ds:Signature, the root's last child; then the
 * reference's canonicalisation, comments dropped as for any same-document reference): a digest that
 * differs is EDS_DIGEST. Then the canonical SignedInfo (with the namespaces in scope from its
 * ancestors, as xml-crypto imports them) against SignatureValue with the certificate's RSA key:
 * a failure is EDS_SIGNATURE_VALUE. Returns the canonical signed content (getSignedReferences()[0]).
 */
function checkSignatureOnTree(
  doc: Document,
  parts: SignatureParts,
  digest: Buffer,
  signatureBytes: Buffer,
  key: KeyObject,
): string {
  const root = doc.documentElement as Element;
  const signature = parts.signature;
  const signedInfo = elementChildren(signature)[0] as Element;
  const reference = elementChildren(signedInfo)[2] as Element;
  const transformEls = elementChildren(elementChildren(reference)[0] as Element);
  const refCanon = parts.transforms[1] ?? ALG.c14n;
  const c14nBase = { defaultNsForPrefix: SignedXml.defaultNsForPrefix };
  let signedContent: string;
  let signedInfoCanon: string;
  try {
    // SignedInfo first, while the signature is in the tree (its ancestors' namespaces count); on a
    // copy, as xml-crypto canonicalises, since exclusive c14n may add declarations to its input
    const siCopy = signedInfo.cloneNode(true) as unknown as globalThis.Element;
    signedInfoCanon = canonicalizer(parts.canonicalization).process(siCopy, {
      ...c14nBase,
      ancestorNamespaces: findAncestorNsForElement(signedInfo as unknown as globalThis.Element),
    });
    // the enveloped-signature transform: the root without its signature (put back afterwards)
    root.removeChild(signature);
    try {
      signedContent = canonicalizer(refCanon).process(root as unknown as globalThis.Element, {
        ...c14nBase,
        inclusiveNamespacesPrefixList: prefixList(transformEls[transformEls.length - 1]),
        ancestorNamespaces: [],
      });
    } finally {
      root.appendChild(signature);
    }
  } catch (e) {
    if (e instanceof EdsError) throw e;
    throw new EdsError('EDS_PARSE', e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (!createHash('sha256').update(signedContent, 'utf8').digest().equals(digest)) {
    throw new EdsError('EDS_DIGEST');
  }
  let valid = false;
  try {
    valid = rsaVerify('sha256', Buffer.from(signedInfoCanon, 'utf8'), key, signatureBytes);
  } catch (e) {
    throw new EdsError('EDS_SIGNATURE_VALUE', 'incorrect signature value', { cause: e });
  }
  if (!valid) throw new EdsError('EDS_SIGNATURE_VALUE', 'incorrect signature value');
  return signedContent;
}

/** Verifies a signed document; throws EdsError on any refusal. Synchronous (CPU only). */
export function verifySignedXml(xml: string, opts: VerifyOptions): VerifiedDocument {
  const now = opts.now ?? new Date();
  // 1.
  const doc = parseXmlStrict(xml, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  // 2. + 3.
  const parts = signatureParts(doc);
  const digestBytes = strictBase64(parts.digestValue);
  if (!digestBytes || digestBytes.length !== 32) throw new EdsError('EDS_DIGEST', 'malformed DigestValue');
  const signatureBytes = strictBase64(parts.signatureValue);
  if (!signatureBytes) throw new EdsError('EDS_SIGNATURE_VALUE', 'malformed SignatureValue');
  // 4.
  // parsed and chained once per fingerprint; validity and revocation checked now
  const { parsed } = opts.trust.checkCertificate(parts.certBase64, now);
  const cert = parsed.info;
  checkCertificateUse(cert, opts.expect, opts.subject ?? 'individual', opts.allowedIins);
  // 4b. the content is the issued document, compared before any canonicalisation
  if (opts.issuedXml !== undefined) checkIssuedContent(xml, doc, parts, opts.issuedXml, digestBytes);
  // 5. the reference and the SignedInfo signature, on the tree parsed in step 1
  const signedContent = checkSignatureOnTree(doc, parts, digestBytes, signatureBytes, parsed.publicKey());
  // 6.
  if (opts.issuedXml !== undefined && !sameDocument(opts.issuedXml, signedContent)) {
    throw new EdsError('EDS_DOCUMENT_MISMATCH');
  }
  let root: SignedRoot | undefined;
  return {
    cert,
    signedXml: xml,
    signedContent,
    // read on first use (one more parse of the signed content, skipped when nobody asks)
    get signedRoot(): SignedRoot {
      return (root ??= describeRoot(signedContent));
    },
    digest: digestBytes.toString('base64'),
    sha256: createHash('sha256').update(xml, 'utf8').digest('hex'),
    algorithms: {
      canonicalization: parts.canonicalization,
      signature: parts.signatureMethod,
      digest: parts.digestMethod,
      transforms: parts.transforms,
    },
  };
}

/**
 * Whether the signed reference is, canonically, the document the server issued. Both sides are
 * parsed and canonicalised the same way (comments dropped, C14N 1.0), so CRLF, attribute order,
 * quoting and empty-element forms do not matter; content and inter-element text do.
 */
export function sameDocument(issuedXml: string, signedContent: string): boolean {
  // the portal renders documents already in canonical form, so the common case needs no parsing;
  // c14n is idempotent, so matching one side's canonical form against the other is equivalent
  if (issuedXml === signedContent) return true;
  try {
    const issued = canonicalDocument(issuedXml);
    return issued === signedContent || issued === canonicalDocument(signedContent);
  } catch {
    return false;
  }
}

/** Throws EDS_DOCUMENT_MISMATCH unless sameDocument(). */
export function assertSameDocument(issuedXml: string, signedContent: string): void {
  if (!sameDocument(issuedXml, signedContent)) throw new EdsError('EDS_DOCUMENT_MISMATCH');
}

/** Canonical form of a (signature-free) document's root element. */
export function canonicalDocument(xml: string): string {
  return canonicalRoot(parseXmlStrict(xml, Number.MAX_SAFE_INTEGER));
}
