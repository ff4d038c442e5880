/** X.509 CRLs: parsing (DER reader) and signature checking (node:crypto). */
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import {
  DerError,
  TAG,
  childrenOf,
  decodeBitString,
  decodeIntegerHex,
  decodeOid,
  decodeTime,
  expectTag,
  rawOf,
  readRoot,
  valueOf,
  type Tlv,
} from './der.js';
import { formatDn, pemOrDer } from './certificate.js';
import { DN_SHORT_NAMES, OID } from './oids.js';

export interface ParsedCrl {
  der: Buffer;
  tbs: Buffer;
  issuerDer: Buffer;
  issuerKey: string;
  issuerDn: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** revoked serials, upper-case hex without leading zeros */
  revoked: Set<string>;
  crlNumber: string | null;
  isDelta: boolean;
  signatureAlgorithm: string;
  signature: Buffer;
}

/** PEM (`X509 CRL`) or DER → DER. */
export function crlDer(input: string | Buffer): Buffer {
  const der = pemOrDer(input, 'X509 CRL');
  if (!der) throw new DerError('not a PEM or DER CRL');
  return der;
}

function nameToDn(t: Tlv): string {
  const attrs = childrenOf(t).flatMap((rdn) =>
    childrenOf(rdn).map((atv) => {
      const [typ, val] = childrenOf(atv);
      const oid = decodeOid(typ as Tlv);
      return {
        oid,
        name: DN_SHORT_NAMES[oid] ?? oid,
        value: valueOf(val as Tlv).toString('utf8'),
        tag: val?.tag ?? 0,
      };
    }),
  );
  return formatDn(attrs);
}

export function parseCrl(input: string | Buffer): ParsedCrl {
  const der = crlDer(input);
  const root = readRoot(der);
  const [tbs, sigAlg, sig] = childrenOf(expectTag(root, TAG.SEQUENCE, 'CertificateList'));
  if (!tbs || !sigAlg || !sig) throw new DerError('incomplete CertificateList');
  const parts = childrenOf(expectTag(tbs, TAG.SEQUENCE, 'TBSCertList'));
  let i = 0;
  if (parts[0]?.tag === TAG.INTEGER) i++;
  i++; // signature algorithm (inner)
  const issuer = expectTag(parts[i++], TAG.SEQUENCE, 'issuer');
  const thisUpdate = decodeTime(parts[i++] as Tlv);
  let nextUpdate: Date | null = null;
  const maybeNext = parts[i];
  if (maybeNext && (maybeNext.tag === TAG.UTC_TIME || maybeNext.tag === TAG.GENERALIZED_TIME)) {
    nextUpdate = decodeTime(maybeNext);
    i++;
  }
  const revoked = new Set<string>();
  if (parts[i]?.tag === TAG.SEQUENCE) {
    for (const entry of childrenOf(parts[i] as Tlv)) {
      const serial = childrenOf(expectTag(entry, TAG.SEQUENCE, 'revoked entry'))[0];
      revoked.add(decodeIntegerHex(serial as Tlv));
    }
    i++;
  }
  let crlNumber: string | null = null;
  let isDelta = false;
  const extWrapper = parts[i];
  if (extWrapper?.tag === 0xa0) {
    for (const e of childrenOf(expectTag(childrenOf(extWrapper)[0], TAG.SEQUENCE, 'crlExtensions'))) {
      const ep = childrenOf(e);
      const oid = decodeOid(ep[0] as Tlv);
      const inner = readRoot(Buffer.from(valueOf(ep[ep.length - 1] as Tlv)));
      if (oid === OID.crlNumber) crlNumber = decodeIntegerHex(inner);
      if (oid === OID.deltaCrlIndicator) isDelta = true;
    }
  }
  const { bytes, unused } = decodeBitString(sig);
  if (unused !== 0) throw new DerError('bad CRL signature bits');
  const issuerDer = rawOf(issuer);
  return {
    der,
    tbs: rawOf(tbs),
    issuerDer,
    issuerKey: issuerDer.toString('hex'),
    issuerDn: nameToDn(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    crlNumber,
    isDelta,
    signatureAlgorithm: decodeOid(childrenOf(sigAlg)[0] as Tlv),
    signature: bytes,
  };
}

const HASH_FOR_SIG: Record<string, string> = {
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};

/** True when the CRL is signed by `issuerKey` with an allowed algorithm. */
export function verifyCrlSignature(crl: ParsedCrl, issuerKey: KeyObject): boolean {
  const hash = HASH_FOR_SIG[crl.signatureAlgorithm];
  if (!hash) return false;
  try {
    return cryptoVerify(hash, crl.tbs, issuerKey, crl.signature);
  } catch {
    return false;
  }
}
