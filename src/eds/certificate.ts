/**
 * Certificates as NCA issues them: the DER is read with a small DER reader (DN values with their
 * string types, keyUsage bits, EKU, policies, role OIDs); node:crypto does the signature arithmetic
 * of the chain checks in trust-store.ts (`signedBy`: crypto.verify over the signed bytes for RSA
 * PKCS #1 v1.5, OpenSSL's X509Certificate for anything else).
 */
import {
  X509Certificate,
  createHash,
  createPublicKey,
  verify as rsaVerify,
  type KeyObject,
} from 'node:crypto';
import {
  DerError,
  TAG,
  childrenOf,
  decodeBitString,
  decodeIntegerHex,
  decodeOid,
  decodeString,
  decodeTime,
  expectTag,
  rawOf,
  readRoot,
  readTlv,
  valueOf,
  type Tlv,
} from './der.js';
import { EdsError } from './errors.js';
import { binFromOu, validIinFromSerialNumber } from './iin.js';
import { DN_SHORT_NAMES, OID, ROLE_PREFIX, isGostOid } from './oids.js';

export type KeyType = 'AUTH' | 'SIGN' | 'UNKNOWN';
export type SubjectKind = 'individual' | 'legal';
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface DnAttribute {
  oid: string;
  /** short name (CN, SURNAME, SERIALNUMBER, C, G, O, OU, …) or the OID */
  name: string;
  value: string;
  /** ASN.1 string tag: 0x0c UTF8String, 0x13 PrintableString, … */
  tag: number;
}

export interface CertInfo {
  /** IIN from `SERIALNUMBER=IIN…` (checksum verified), null when absent (CA certificates) */
  iin: string | null;
  /** BIN from `OU=BIN…` (legal-entity certificates) */
  bin?: string;
  commonName: string;
  surname: string;
  /** the first name: CN is `SURNAME NAME`, so it is CN without the surname */
  givenName: string;
  /** NCA writes the patronymic into G (givenName) */
  patronymic: string;
  organisation?: string;
  email?: string;
  keyType: KeyType;
  subjectKind: SubjectKind;
  /** NCA role OIDs found in the EKU (1.2.398.3.3.4.…) */
  roles: string[];
  keyUsage: KeyUsageName[];
  extKeyUsage: string[];
  policies: string[];
  notBefore: Date;
  notAfter: Date;
  /** upper-case hex without leading zeros */
  serialHex: string;
  issuerDn: string;
  subjectDn: string;
  subject: DnAttribute[];
  issuer: DnAttribute[];
  /** lower-case hex SHA-256 of the DER */
  fingerprint256: string;
  pem: string;
  keyAlgorithm: 'RSA' | 'GOST' | 'OTHER';
  keyBits: number | null;
  /** OID of the certificate's signature algorithm */
  signatureAlgorithm: string;
  isCa: boolean;
  /** basicConstraints pathLenConstraint of a CA certificate; null when absent (no limit) */
  pathLen: number | null;
  selfIssued: boolean;
}

/** CertInfo plus what the verifier needs (raw DN bytes for issuer matching, the node:crypto object). */
export interface ParsedCertificate {
  info: CertInfo;
  der: Buffer;
  subjectDer: Buffer;
  issuerDer: Buffer;
  /** hex of the raw subject / issuer Name: equal DNs compare byte for byte */
  subjectKey: string;
  issuerKey: string;
  publicKeyAlgorithm: string;
  signatureAlgorithm: string;
  /** node:crypto view (lazy: GOST certificates never get here) */
  x509(): X509Certificate;
  publicKey(): KeyObject;
  /** Whether `issuer`'s key signed this certificate (see signedBy below). */
  signedBy(issuer: ParsedCertificate): boolean;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64: only the canonical encoding of its bytes (whitespace allowed and ignored). */
export function strictBase64(text: string): Buffer | null {
  const s = text.replace(/[ \t\r\n]+/g, '');
  if (s.length === 0 || s.length % 4 !== 0 || !BASE64_RE.test(s)) return null;
  const buf = Buffer.from(s, 'base64');
  if (buf.toString('base64') !== s) return null;
  return buf;
}

/** DER from a PEM block labelled `label`, bare base64 or DER itself; null when the input is none of these. */
export function pemOrDer(input: string | Buffer, label: string): Buffer | null {
  if (Buffer.isBuffer(input)) {
    if (input[0] === 0x30) return input;
    input = input.toString('latin1');
  }
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(input);
  return strictBase64(m ? (m[1] as string) : input);
}

/** DER from PEM, base64 or DER input. */
export function certificateDer(input: string | Buffer): Buffer {
  const der = pemOrDer(input, 'CERTIFICATE');
  if (!der) throw new EdsError('EDS_CERT_PARSE', 'not a PEM, base64 or DER certificate');
  return der;
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function escapeDnValue(v: string): string {
  let out = v.replace(/([,+"\\<>;])/g, '\\$1');
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && out.length > 1) out = out.slice(0, -1) + '\\ ';
  return out;
}

export function formatDn(attrs: DnAttribute[]): string {
  return attrs.map((a) => `${a.name}=${escapeDnValue(a.value)}`).join(', ');
}

function parseName(t: Tlv): DnAttribute[] {
  expectTag(t, TAG.SEQUENCE, 'Name');
  const out: DnAttribute[] = [];
  for (const rdn of childrenOf(t)) {
    expectTag(rdn, TAG.SET, 'RDN');
    for (const atv of childrenOf(rdn)) {
      const [typ, val] = childrenOf(expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue'));
      if (!typ || !val) throw new DerError('bad AttributeTypeAndValue');
      const oid = decodeOid(typ);
      out.push({ oid, name: DN_SHORT_NAMES[oid] ?? oid, value: decodeString(val), tag: val.tag });
    }
  }
  return out;
}

function attr(attrs: DnAttribute[], oid: string): string | undefined {
  return attrs.find((a) => a.oid === oid)?.value;
}

interface Extensions {
  keyUsage: KeyUsageName[];
  extKeyUsage: string[];
  policies: string[];
  isCa: boolean;
  pathLen: number | null;
}

function parseExtensions(t: Tlv | undefined): Extensions {
  const ext: Extensions = { keyUsage: [], extKeyUsage: [], policies: [], isCa: false, pathLen: null };
  if (!t) return ext;
  const seq = expectTag(childrenOf(t)[0], TAG.SEQUENCE, 'Extensions');
  for (const e of childrenOf(seq)) {
    const parts = childrenOf(expectTag(e, TAG.SEQUENCE, 'Extension'));
    const oid = decodeOid(parts[0] as Tlv);
    const valueTlv = parts[parts.length - 1];
    const inner = readRoot(Buffer.from(valueOf(expectTag(valueTlv, TAG.OCTET_STRING, 'extnValue'))));
    switch (oid) {
      case OID.keyUsage: {
        const { bytes } = decodeBitString(inner);
        KEY_USAGE_BITS.forEach((name, i) => {
          const byte = bytes[i >> 3] ?? 0;
          if (byte & (0x80 >> (i & 7))) ext.keyUsage.push(name);
        });
        break;
      }
      case OID.extKeyUsage:
        for (const o of childrenOf(expectTag(inner, TAG.SEQUENCE, 'EKU'))) ext.extKeyUsage.push(decodeOid(o));
        break;
      case OID.certificatePolicies:
        for (const p of childrenOf(expectTag(inner, TAG.SEQUENCE, 'policies'))) {
          ext.policies.push(decodeOid(childrenOf(expectTag(p, TAG.SEQUENCE, 'PolicyInformation'))[0] as Tlv));
        }
        break;
      case OID.basicConstraints: {
        const [first, second] = childrenOf(expectTag(inner, TAG.SEQUENCE, 'basicConstraints'));
        ext.isCa = first?.tag === TAG.BOOLEAN && valueOf(first)[0] !== 0;
        const len = first?.tag === TAG.INTEGER ? first : second;
        if (len?.tag === TAG.INTEGER) {
          const v = valueOf(len);
          // a negative or absurd constraint reads as 0: the strictest
          ext.pathLen = v.length > 4 || ((v[0] ?? 0) & 0x80) !== 0 ? 0 : v.reduce((a, b) => a * 256 + b, 0);
        }
        break;
      }
      default:
        break;
    }
  }
  return ext;
}

/** The modulus and the public exponent of an RSA SubjectPublicKeyInfo's key, without leading zeros. */
function rsaPublicKey(spkiBits: Buffer): { n: Buffer; e: Buffer } {
  const key = readRoot(spkiBits);
  const [n, e] = childrenOf(expectTag(key, TAG.SEQUENCE, 'RSAPublicKey'));
  if (!n || !e) throw new DerError('incomplete RSAPublicKey');
  const unsigned = (t: Tlv, what: string) => {
    let v = valueOf(expectTag(t, TAG.INTEGER, what));
    while (v.length > 0 && v[0] === 0) v = v.subarray(1);
    return v;
  };
  return { n: unsigned(n, 'modulus'), e: unsigned(e, 'publicExponent') };
}

function bitLength(v: Buffer): number {
  return v.length === 0 ? 0 : (v.length - 1) * 8 + (32 - Math.clz32(v[0] as number));
}

/** The hash of an RSA PKCS #1 v1.5 certificate signature, by its algorithm. */
const PKCS1_HASH: Record<string, string> = {
  [OID.sha1WithRSA]: 'sha1',
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};

export function classifyKeyType(eku: string[], keyUsage: KeyUsageName[]): KeyType {
  const auth = eku.includes(OID.clientAuth);
  const sign = eku.includes(OID.emailProtection);
  if (auth && !sign) return 'AUTH';
  if (sign && !auth) return 'SIGN';
  if (eku.length === 0 || (!auth && !sign)) {
    if (keyUsage.includes('nonRepudiation')) return 'SIGN';
    if (keyUsage.includes('keyEncipherment') && keyUsage.includes('digitalSignature')) return 'AUTH';
  }
  return 'UNKNOWN';
}

/** Reads a certificate in full. Throws EdsError EDS_CERT_PARSE on malformed input. */
export function inspectCertificate(input: string | Buffer): ParsedCertificate {
  const derBytes = certificateDer(input);
  try {
    return inspectDer(derBytes);
  } catch (e) {
    if (e instanceof EdsError) throw e;
    throw new EdsError('EDS_CERT_PARSE', e instanceof Error ? e.message : String(e), { cause: e });
  }
}

function inspectDer(derBytes: Buffer): ParsedCertificate {
  const root = readRoot(derBytes);
  const [tbs, sigAlg, sigValue] = childrenOf(expectTag(root, TAG.SEQUENCE, 'Certificate'));
  if (!tbs || !sigAlg || !sigValue) throw new DerError('incomplete Certificate');
  const tbsParts = childrenOf(expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  if (tbsParts[0]?.tag === 0xa0) i++;
  const serial = tbsParts[i++];
  i++; // inner signature algorithm
  const issuer = tbsParts[i++];
  const validity = tbsParts[i++];
  const subject = tbsParts[i++];
  const spki = tbsParts[i++];
  const extWrapper = tbsParts.slice(i).find((t) => t.tag === 0xa3);
  if (!serial || !issuer || !validity || !subject || !spki) throw new DerError('incomplete TBSCertificate');
  const [nb, na] = childrenOf(expectTag(validity, TAG.SEQUENCE, 'Validity'));
  if (!nb || !na) throw new DerError('bad Validity');
  const [spkiAlg, spkiBits] = childrenOf(expectTag(spki, TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  const publicKeyAlgorithm = decodeOid(
    childrenOf(expectTag(spkiAlg, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0] as Tlv,
  );
  const signatureAlgorithm = decodeOid(
    childrenOf(expectTag(sigAlg, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0] as Tlv,
  );
  const signature = decodeBitString(sigValue);
  const innerSigAlg = tbsParts[tbsParts[0]?.tag === 0xa0 ? 2 : 1];

  const subjectAttrs = parseName(subject);
  const issuerAttrs = parseName(issuer);
  const ext = parseExtensions(extWrapper);
  const subjectDer = rawOf(subject);
  const issuerDer = rawOf(issuer);

  const keyAlgorithm =
    publicKeyAlgorithm === OID.rsaEncryption ? 'RSA' : isGostOid(publicKeyAlgorithm) ? 'GOST' : 'OTHER';
  const rsa = keyAlgorithm === 'RSA' ? rsaPublicKey(decodeBitString(spkiBits as Tlv).bytes) : null;
  const keyBits = rsa ? bitLength(rsa.n) : null;

  const commonName = attr(subjectAttrs, OID.commonName) ?? '';
  const surname = attr(subjectAttrs, OID.surname) ?? '';
  const givenName =
    surname && commonName.startsWith(surname + ' ') ? commonName.slice(surname.length + 1).trim() : '';
  const organisation = attr(subjectAttrs, OID.organisation);
  const bin = binFromOu(attr(subjectAttrs, OID.organisationalUnit)) ?? undefined;
  const roles = ext.extKeyUsage.filter((o) => o.startsWith(ROLE_PREFIX));
  const legal =
    bin !== undefined ||
    organisation !== undefined ||
    roles.some((r) => r.startsWith(OID.roleLegalEntity)) ||
    ext.policies.includes(OID.policySignLegal) ||
    ext.policies.includes(OID.policyAuthLegal);
  const email = attr(subjectAttrs, OID.email);

  const info: CertInfo = {
    iin: validIinFromSerialNumber(attr(subjectAttrs, OID.serialNumber)),
    ...(bin !== undefined ? { bin } : {}),
    commonName,
    surname,
    givenName,
    patronymic: attr(subjectAttrs, OID.givenName) ?? '',
    ...(organisation !== undefined ? { organisation } : {}),
    ...(email !== undefined ? { email } : {}),
    keyType: classifyKeyType(ext.extKeyUsage, ext.keyUsage),
    subjectKind: legal ? 'legal' : 'individual',
    roles,
    keyUsage: ext.keyUsage,
    extKeyUsage: ext.extKeyUsage,
    policies: ext.policies,
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    serialHex: decodeIntegerHex(serial),
    issuerDn: formatDn(issuerAttrs),
    subjectDn: formatDn(subjectAttrs),
    subject: subjectAttrs,
    issuer: issuerAttrs,
    fingerprint256: createHash('sha256').update(derBytes).digest('hex'),
    // made when read: the chain cache keeps thousands of parsed certificates, and few are ever shown
    get pem() {
      return derToPem(derBytes);
    },
    keyAlgorithm,
    keyBits,
    signatureAlgorithm,
    isCa: ext.isCa,
    pathLen: ext.pathLen,
    selfIssued: subjectDer.equals(issuerDer),
  };

  // node:crypto's certificate is made when asked and not kept: a parsed certificate sits in the trust
  // store's chain cache (thousands of them), where OpenSSL's copy would only weigh on the memory; its
  // public key, which every signature check needs, is kept. Neither is on the path of a signature:
  // OpenSSL's parse of a certificate cost about 0.19 ms with its key (4 % of a signed order's CPU),
  // while an RSA key made from the modulus and exponent read above costs about 5 µs
  let publicKey: KeyObject | undefined;
  const getPublicKey = (): KeyObject => {
    if (!rsa) return getX509().publicKey;
    try {
      return createPublicKey({
        key: { kty: 'RSA', n: rsa.n.toString('base64url'), e: rsa.e.toString('base64url') },
        format: 'jwk',
      });
    } catch (e) {
      throw new EdsError('EDS_CERT_PARSE', 'node:crypto cannot read the public key', { cause: e });
    }
  };
  const tbsDer = derBytes.subarray(tbs.start, tbs.end);
  const sigAlgDer = derBytes.subarray(sigAlg.start, sigAlg.end);
  const innerSigAlgDer = innerSigAlg ? derBytes.subarray(innerSigAlg.start, innerSigAlg.end) : null;
  const getX509 = (): X509Certificate => {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(derBytes);
    } catch (e) {
      throw new EdsError('EDS_CERT_PARSE', 'node:crypto cannot read the certificate', { cause: e });
    }
    publicKey ??= x509.publicKey;
    return x509;
  };
  return {
    info,
    der: derBytes,
    subjectDer,
    issuerDer,
    subjectKey: subjectDer.toString('hex'),
    issuerKey: issuerDer.toString('hex'),
    publicKeyAlgorithm,
    signatureAlgorithm,
    x509: getX509,
    publicKey: () => (publicKey ??= getPublicKey()),
    /**
     * X509_verify's check with the issuer's key: the algorithm inside the signed part is the one
     * outside it, and the signature over the signed part's bytes verifies. RSA PKCS #1 v1.5 with the
     * hashes above is checked over those bytes here; any other algorithm by OpenSSL's parse.
     */
    signedBy(issuer: ParsedCertificate): boolean {
      const hash = PKCS1_HASH[signatureAlgorithm];
      if (!hash || issuer.info.keyAlgorithm !== 'RSA') return getX509().verify(issuer.publicKey());
      if (!innerSigAlgDer || !innerSigAlgDer.equals(sigAlgDer) || signature.unused !== 0) return false;
      return rsaVerify(hash, tbsDer, issuer.publicKey(), signature.bytes);
    },
  };
}

/** Parses a certificate (PEM, base64 or DER) into CertInfo. */
export function parseCertificate(input: string | Buffer): CertInfo {
  return inspectCertificate(input).info;
}

/** Reads the first TLV of a buffer without validating the rest (used to sniff DER input). */
export function looksLikeDer(buf: Buffer): boolean {
  try {
    const t = readTlv(buf, 0);
    return t.tag === TAG.SEQUENCE && t.end === buf.length;
  } catch {
    return false;
  }
}
