/**
 * The dev stand's PKI (eds.md «The dev stand's PKI»), generated on first start:
 *
 *   <dataDir>/pki/root.pem           «НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV» (self-signed root)
 *   <dataDir>/pki/ca.pem             «ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV» (issuing CA)
 *   <dataDir>/pki/crl.pem            the issuing CA's CRL (lists the `revoked` keys)
 *   <dataDir>/pki/root-crl.pem       the root's CRL (empty)
 *   <dataDir>/pki/private/*.key.pem  CA keys (dev only: to re-issue CRLs and test certificates)
 *   <dataDir>/keys/<person>/AUTH_RSA256_<serial>.p12 + RSA256_<serial>.p12   (password Qwerty12)
 *   <dataDir>/keys/{expired,revoked,foreign,legal-entity}/…   bad keys copying r01's identity
 *   <dataDir>/keys/foreign/foreign-ca.pem   the foreign CA (the real CA's DN, another key)
 *   <dataDir>/keys/manifest.json
 *
 * Made in two steps (ensureDevPkiStaged): first what a trust store reads — root, issuing CA, both
 * CRLs, with the serials of every demo key chosen up front (the CRL lists the revoked key's) — then
 * the demo keys, which `npm start` makes while the portal already serves. The keys are built in
 * <dataDir>/.keys-build after their plan (<dataDir>/.keys-plan.json); keys/ with its manifest appears
 * only complete, and a start after an interrupted one finishes the build. ensureDevPki does both.
 *
 * RSA keys: two 1024-bit primes from node:crypto's async generatePrime (thread pool, in parallel),
 * assembled into a JWK — about 2.5× faster than generateKeyPair on OpenSSL 3. Certificates and
 * CRLs are DER built here and signed with node:crypto; the .p12 files are written by p12.ts on
 * node:crypto (key bag pbeWithSHAAnd3-KeyTripleDES-CBC, only the user certificate) and read back
 * with node-forge like the browser does.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generatePrime,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DemoOrganisation, DemoPerson } from './people.js';
import { derToPem, inspectCertificate, type CertInfo } from '../eds/certificate.js';
import { parseCrl } from '../eds/crl.js';
import { der } from '../eds/der.js';
import { OID } from '../eds/oids.js';
import { writeP12 } from '../eds/p12.js';
import { loadP12 } from '../eds/signer.js';

export const DEV_PASSWORD = 'Qwerty12';
export const ROOT_CN = 'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV';
export const CA_CN = 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEV';

export type KeyStatus = 'valid' | 'expired' | 'revoked' | 'foreign' | 'legal-entity';
export const BAD_KEYS: ReadonlyArray<Exclude<KeyStatus, 'valid'>> = [
  'expired',
  'revoked',
  'foreign',
  'legal-entity',
];
/** the person whose identity the bad keys copy */
export const BAD_KEY_IDENTITY = 'r01';

export interface ManifestEntry {
  key: string;
  iin: string;
  name: string;
  roles: string[];
  /** paths relative to <dataDir>/keys */
  auth: string;
  sign: string;
  password: string;
  status: KeyStatus;
  kind: 'individual' | 'legal';
  org?: string;
  bin?: string;
  notAfter: string;
}

export interface DevPkiOptions {
  people: readonly DemoPerson[];
  organisations: readonly DemoOrganisation[];
  force?: boolean;
  now?: Date;
  /**
   * at most this many prime searches at once while the demo keys are made (default: all at once);
   * a generation beside a serving portal leaves libuv's thread pool room (backgroundPrimeConcurrency)
   */
  primeConcurrency?: number;
}

export interface DevPkiSummary {
  generated: boolean;
  crlRefreshed: boolean;
  pkiDir: string;
  keysDir: string;
  keyFiles: number;
  people: number;
  ms: number;
}

export function devPkiPaths(dataDir: string) {
  const pkiDir = path.join(dataDir, 'pki');
  const keysDir = path.join(dataDir, 'keys');
  return {
    pkiDir,
    keysDir,
    root: path.join(pkiDir, 'root.pem'),
    ca: path.join(pkiDir, 'ca.pem'),
    crl: path.join(pkiDir, 'crl.pem'),
    rootCrl: path.join(pkiDir, 'root-crl.pem'),
    rootKey: path.join(pkiDir, 'private', 'root.key.pem'),
    caKey: path.join(pkiDir, 'private', 'ca.key.pem'),
    manifest: path.join(keysDir, 'manifest.json'),
  };
}

// ------------------------------------------------------------------ RSA keys

export interface RsaKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function primeAsync(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) =>
    generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p))),
  );
}

function modInv(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function bigToBuf(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

const b64u = (n: bigint) => bigToBuf(n).toString('base64url');

/** An RSA key pair from two async node:crypto primes (thread pool; `prime` may queue them), e = 65537. */
export async function generateRsaKey(
  bits = 2048,
  { prime = primeAsync }: { prime?: (bits: number) => Promise<bigint> } = {},
): Promise<RsaKey> {
  const e = 65537n;
  for (;;) {
    const [p0, q0] = await Promise.all([prime(bits / 2), prime(bits / 2)]);
    const [p, q] = p0 > q0 ? [p0, q0] : [q0, p0];
    const n = p * q;
    if (p === q || n.toString(2).length !== bits || p - q < 1n << BigInt(bits / 2 - 100)) continue;
    if (gcd(e, p - 1n) !== 1n || gcd(e, q - 1n) !== 1n) continue;
    const d = modInv(e, (p - 1n) * (q - 1n));
    const dp = d % (p - 1n);
    const dq = d % (q - 1n);
    const qi = modInv(q, p);
    const privateKey = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64u(n),
        e: b64u(e),
        d: b64u(d),
        p: b64u(p),
        q: b64u(q),
        dp: b64u(dp),
        dq: b64u(dq),
        qi: b64u(qi),
      },
      format: 'jwk',
    });
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
}

// ------------------------------------------------------------------ names and extensions

export interface NameSpec {
  cn: string;
  surname?: string;
  iin?: string;
  country?: string;
  patronymic?: string;
  organisation?: string;
  bin?: string;
}

/** NCA DN: CN, SURNAME, SERIALNUMBER=IIN…, C, G [, O, OU=BIN…]; Cyrillic UTF8String, SERIALNUMBER/C PrintableString. */
export function encodeName(spec: NameSpec): Buffer {
  const rdn = (oid: string, value: Buffer) => der.set(der.seq(der.oid(oid), value));
  const parts: Buffer[] = [rdn(OID.commonName, der.utf8(spec.cn))];
  if (spec.surname) parts.push(rdn(OID.surname, der.utf8(spec.surname)));
  if (spec.iin) parts.push(rdn(OID.serialNumber, der.printable(`IIN${spec.iin}`)));
  parts.push(rdn(OID.country, der.printable(spec.country ?? 'KZ')));
  if (spec.patronymic) parts.push(rdn(OID.givenName, der.utf8(spec.patronymic)));
  if (spec.organisation) parts.push(rdn(OID.organisation, der.utf8(spec.organisation)));
  if (spec.bin) parts.push(rdn(OID.organisationalUnit, der.printable(`BIN${spec.bin}`)));
  return der.seq(...parts);
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octet(value));
}

function keyUsageExt(names: KeyUsageBit[]) {
  const bit = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };
  let v = 0;
  for (const n of names) v |= 0x80 >> bit[n];
  let unused = 0;
  while (unused < 7 && !(v & (1 << unused))) unused++;
  return extension(OID.keyUsage, true, der.bitString(Buffer.from([v]), unused));
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'pkcs1', format: 'der' }))
    .digest();
}

type KeyUsageBit = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

/** A CA's basicConstraints pathLenConstraint (null: none) and keyUsage bits; defaults as NCA issues them. */
interface CaOptions {
  pathLen?: number | null;
  keyUsage?: KeyUsageBit[];
}

export type CertProfile =
  | ({ kind: 'root' } & CaOptions)
  | ({ kind: 'ca' } & CaOptions)
  | { kind: 'user'; keyType: 'AUTH' | 'SIGN'; legal: boolean };

function profileExtensions(profile: CertProfile, subjectKey: KeyObject, issuerKey: KeyObject): Buffer[] {
  const ski = extension(OID.subjectKeyIdentifier, false, der.octet(keyId(subjectKey)));
  const aki = extension(OID.authorityKeyIdentifier, false, der.seq(der.implicit(0, keyId(issuerKey))));
  if (profile.kind === 'root' || profile.kind === 'ca') {
    // the root sets no path length, the issuing CA 0 (it issues only end-entity certificates)
    const pathLen = profile.pathLen === undefined ? (profile.kind === 'ca' ? 0 : null) : profile.pathLen;
    return [
      extension(
        OID.basicConstraints,
        true,
        der.seq(der.bool(true), ...(pathLen === null ? [] : [der.int(pathLen)])),
      ),
      keyUsageExt(profile.keyUsage ?? ['keyCertSign', 'cRLSign']),
      ski,
      ...(profile.kind === 'ca' ? [aki] : []),
    ];
  }
  const sign = profile.keyType === 'SIGN';
  const roles = profile.legal ? [OID.roleLegalEntity, OID.roleEmployee] : [OID.roleIndividual];
  const policy = profile.legal
    ? sign
      ? OID.policySignLegal
      : OID.policyAuthLegal
    : sign
      ? OID.policySignIndividual
      : OID.policyAuthIndividual;
  return [
    keyUsageExt(sign ? ['digitalSignature', 'nonRepudiation'] : ['digitalSignature', 'keyEncipherment']),
    extension(
      OID.extKeyUsage,
      false,
      der.seq(...[sign ? OID.emailProtection : OID.clientAuth, ...roles].map(der.oid)),
    ),
    extension(OID.certificatePolicies, false, der.seq(der.seq(der.oid(policy)))),
    ski,
    aki,
  ];
}

export interface BuildCertOptions {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectKey: KeyObject;
  signingKey: KeyObject;
  /** the issuer's public key (for the authority key identifier) */
  issuerPublicKey: KeyObject;
  profile: CertProfile;
  hash?: 'sha256' | 'sha1';
  /** extra extensions (DER) appended after the profile's */
  extraExtensions?: Buffer[];
}

/** Builds and signs an X.509 v3 certificate; returns DER. */
export function buildCertificate(o: BuildCertOptions): Buffer {
  const hash = o.hash ?? 'sha256';
  const algId = der.seq(der.oid(hash === 'sha1' ? OID.sha1WithRSA : OID.sha256WithRSA), der.null());
  const spki = o.subjectKey.export({ type: 'spki', format: 'der' });
  const tbs = der.seq(
    der.explicit(0, der.int(2)),
    der.int(o.serial),
    algId,
    o.issuer,
    der.seq(der.time(o.notBefore), der.time(o.notAfter)),
    o.subject,
    spki,
    der.explicit(
      3,
      der.seq(...profileExtensions(o.profile, o.subjectKey, o.issuerPublicKey), ...(o.extraExtensions ?? [])),
    ),
  );
  const sig = cryptoSign(hash, tbs, o.signingKey);
  return der.seq(tbs, algId, der.bitString(sig));
}

export interface BuildCrlOptions {
  issuer: Buffer;
  issuerKey: KeyObject;
  issuerPublicKey: KeyObject;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: Array<{ serialHex: string; date: Date }>;
  crlNumber: number;
}

export function buildCrl(o: BuildCrlOptions): Buffer {
  const algId = der.seq(der.oid(OID.sha256WithRSA), der.null());
  const entries = o.revoked.map((r) =>
    der.seq(
      der.int(Buffer.from(r.serialHex.length % 2 ? '0' + r.serialHex : r.serialHex, 'hex')),
      der.time(r.date),
    ),
  );
  const tbs = der.seq(
    der.int(1),
    algId,
    o.issuer,
    der.time(o.thisUpdate),
    der.time(o.nextUpdate),
    ...(entries.length > 0 ? [der.seq(...entries)] : []),
    der.explicit(
      0,
      der.seq(
        extension(OID.authorityKeyIdentifier, false, der.seq(der.implicit(0, keyId(o.issuerPublicKey)))),
        extension(OID.crlNumber, false, der.int(o.crlNumber)),
      ),
    ),
  );
  return der.seq(tbs, algId, der.bitString(cryptoSign('sha256', tbs, o.issuerKey)));
}

export function newSerial(): Buffer {
  const b = randomBytes(20);
  b[0] = ((b[0] as number) & 0x3f) | 0x10;
  return b;
}

// ------------------------------------------------------------------ CA material

export interface CaMaterial {
  certDer: Buffer;
  certPem: string;
  name: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The dev issuing CA (or root) with its key, for CRLs and test certificates. */
export function loadDevCa(dataDir: string, which: 'ca' | 'root' = 'ca'): CaMaterial {
  const p = devPkiPaths(dataDir);
  const certPem = fs.readFileSync(which === 'ca' ? p.ca : p.root, 'utf8');
  const parsed = inspectCertificate(certPem);
  const privateKey = createPrivateKey(fs.readFileSync(which === 'ca' ? p.caKey : p.rootKey, 'utf8'));
  return {
    certDer: parsed.der,
    certPem,
    name: Buffer.from(parsed.subjectDer),
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}

export interface IssueOptions {
  /** the signing CA, or 'self' for a self-signed certificate */
  issuer: CaMaterial | 'self';
  subject: NameSpec;
  keyType: 'AUTH' | 'SIGN';
  legal?: boolean;
  bits?: number;
  hash?: 'sha256' | 'sha1';
  notBefore?: Date;
  notAfter?: Date;
  key?: RsaKey;
}

export interface IssuedKey {
  certDer: Buffer;
  certPem: string;
  privateKeyPem: string;
  privateKey: KeyObject;
  key: RsaKey;
  cert: CertInfo;
}

/** Issues a user certificate with the NCA profile (also used by tests for odd certificates). */
export async function issueCertificate(o: IssueOptions): Promise<IssuedKey> {
  const key = o.key ?? (await generateRsaKey(o.bits ?? 2048));
  const notBefore = o.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000);
  const subject = encodeName(o.subject);
  const self = o.issuer === 'self';
  const certDer = buildCertificate({
    serial: newSerial(),
    issuer: self ? subject : (o.issuer as CaMaterial).name,
    subject,
    notBefore,
    notAfter,
    subjectKey: key.publicKey,
    signingKey: self ? key.privateKey : (o.issuer as CaMaterial).privateKey,
    issuerPublicKey: self ? key.publicKey : (o.issuer as CaMaterial).publicKey,
    profile: { kind: 'user', keyType: o.keyType, legal: o.legal ?? false },
    hash: o.hash ?? 'sha256',
  });
  return {
    certDer,
    certPem: derToPem(certDer),
    privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey: key.privateKey,
    key,
    cert: inspectCertificate(certDer).info,
  };
}

// ------------------------------------------------------------------ dev keys cache

export interface DevKey {
  privateKeyPem: string;
  certPem: string;
  privateKey: KeyObject;
  cert: CertInfo;
}

const devKeyCache = new Map<string, DevKey>();
const manifestCache = new Map<string, { mtimeMs: number; entries: ManifestEntry[] }>();

function cacheKey(dataDir: string, personKey: string, type: 'AUTH' | 'SIGN'): string {
  return `${path.resolve(dataDir)}\u0000${personKey}\u0000${type}`;
}

function forgetDataDir(dataDir: string): void {
  const prefix = path.resolve(dataDir) + '\u0000';
  for (const k of devKeyCache.keys()) if (k.startsWith(prefix)) devKeyCache.delete(k);
  manifestCache.delete(path.resolve(dataDir));
}

export function loadManifest(dataDir: string): ManifestEntry[] {
  const file = devPkiPaths(dataDir).manifest;
  const st = fs.statSync(file);
  const hit = manifestCache.get(path.resolve(dataDir));
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.entries;
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestEntry[];
  manifestCache.set(path.resolve(dataDir), { mtimeMs: st.mtimeMs, entries });
  return entries;
}

/** Private key + certificate of a dev-stand key (cached in memory; tests sign thousands of documents). */
export function devKey(dataDir: string, personKey: string, type: 'AUTH' | 'SIGN'): DevKey {
  const ck = cacheKey(dataDir, personKey, type);
  const hit = devKeyCache.get(ck);
  if (hit) return hit;
  const entry = loadManifest(dataDir).find((e) => e.key === personKey);
  if (!entry) throw new Error(`no dev key for ${personKey}`);
  const file = path.join(devPkiPaths(dataDir).keysDir, type === 'AUTH' ? entry.auth : entry.sign);
  const loaded = loadP12(fs.readFileSync(file), entry.password);
  const k: DevKey = { ...loaded, privateKey: createPrivateKey(loaded.privateKeyPem) };
  devKeyCache.set(ck, k);
  return k;
}

// ------------------------------------------------------------------ ensureDevPki

const DAY = 86_400_000;
const YEAR = 365 * DAY;

function fullName(p: DemoPerson): string {
  return [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');
}

function personName(p: DemoPerson, org?: DemoOrganisation): NameSpec {
  return {
    cn: `${p.surname} ${p.name}`,
    surname: p.surname,
    iin: p.iin,
    ...(p.patronymic ? { patronymic: p.patronymic } : {}),
    ...(org ? { organisation: org.name, bin: org.bin } : {}),
  };
}

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A demo key holder's keys as planned before they are made: the manifest entry (its file names carry the serials), subject and validity. */
interface PlannedKey {
  entry: ManifestEntry;
  subject: NameSpec;
  notBefore: string;
  /** lower-case hex */
  serials: Record<'AUTH' | 'SIGN', string>;
}

/**
 * The demo keys to make, chosen before any of them is: the serials (the issuing CA's CRL lists the
 * revoked key's from the start) and the manifest's entries. Kept in <dataDir>/.keys-plan.json while
 * the keys are made in <dataDir>/.keys-build, so that a start after an interrupted one finishes them.
 */
interface KeyPlan {
  /** SHA-256 (hex) of the issuing CA's certificate, which issues them */
  ca: string;
  /** when it was made: the foreign CA's validity */
  made: string;
  keys: PlannedKey[];
}

function buildPaths(dataDir: string) {
  return { plan: path.join(dataDir, '.keys-plan.json'), build: path.join(dataDir, '.keys-build') };
}

function planKeys(opts: DevPkiOptions, now: Date): KeyPlan {
  const orgs = new Map(opts.organisations.map((o) => [o.key, o]));
  const r01 = opts.people.find((p) => p.key === BAD_KEY_IDENTITY) ?? opts.people[0];
  if (!r01) throw new Error('ensureDevPki needs at least one person');
  const holders: Array<{ key: string; person: DemoPerson; status: KeyStatus; org?: DemoOrganisation }> = [];
  for (const person of opts.people) {
    // a person with an organisation holds its legal-entity keys (an employee, one its staff may add,
    // or the head of an organisation still to register)
    const org = person.org ? orgs.get(person.org) : undefined;
    if ((person.roles.includes('employee') || person.org) && !org)
      throw new Error(`employee ${person.key} has no organisation`);
    holders.push({ key: person.key, person, status: 'valid', ...(org ? { org } : {}) });
  }
  const badOrg = opts.organisations[0];
  for (const status of BAD_KEYS) {
    const org = status === 'legal-entity' ? badOrg : undefined;
    holders.push({ key: status, person: r01, status, ...(org ? { org } : {}) });
  }
  const validFrom = new Date(now.getTime() - 3_600_000);
  return {
    ca: '',
    made: now.toISOString(),
    keys: holders.map((h): PlannedKey => {
      const [nb, na] =
        h.status === 'expired'
          ? [new Date(now.getTime() - YEAR - 2 * DAY), new Date(now.getTime() - 2 * DAY)]
          : [validFrom, new Date(validFrom.getTime() + YEAR)];
      const serials = { AUTH: newSerial().toString('hex'), SIGN: newSerial().toString('hex') };
      return {
        entry: {
          key: h.key,
          iin: h.person.iin,
          name: fullName(h.person),
          roles: [...h.person.roles],
          auth: `${h.key}/AUTH_RSA256_${serials.AUTH}.p12`,
          sign: `${h.key}/RSA256_${serials.SIGN}.p12`,
          password: DEV_PASSWORD,
          status: h.status,
          kind: h.org ? 'legal' : 'individual',
          ...(h.org ? { org: h.org.key, bin: h.org.bin } : {}),
          notAfter: na.toISOString(),
        },
        subject: personName(h.person, h.org),
        notBefore: nb.toISOString(),
        serials,
      };
    }),
  };
}

/** The serials the issuing CA's CRL lists for a plan: the `revoked` key's two. */
function revokedOf(plan: KeyPlan, now: Date): Array<{ serialHex: string; date: Date }> {
  return plan.keys
    .filter((k) => k.entry.status === 'revoked')
    .flatMap((k) => [k.serials.AUTH, k.serials.SIGN])
    .map((s) => ({ serialHex: s.toUpperCase(), date: new Date(now.getTime() - 3_600_000) }));
}

/** What a plan says of its key holders apart from what is chosen at random or by the clock. */
const planShape = (plan: KeyPlan) =>
  JSON.stringify(
    plan.keys.map(({ entry: e, subject }) => [
      e.key,
      e.iin,
      e.name,
      e.roles,
      e.status,
      e.kind,
      e.org ?? null,
      e.bin ?? null,
      subject,
    ]),
  );

interface Anchors {
  ok: boolean;
  crlStale: boolean;
  caDer?: Buffer;
}

/** Root, issuing CA, their keys and both CRLs are there and the CAs valid for at least a month. */
function inspectAnchors(dataDir: string, now: Date): Anchors {
  const p = devPkiPaths(dataDir);
  const needed = [p.root, p.ca, p.crl, p.rootCrl, p.rootKey, p.caKey];
  if (!needed.every((f) => fs.existsSync(f))) return { ok: false, crlStale: false };
  try {
    const soon = now.getTime() + 7 * DAY;
    let caDer: Buffer | undefined;
    for (const f of [p.root, p.ca]) {
      const parsed = inspectCertificate(fs.readFileSync(f));
      const info = parsed.info;
      if (info.notAfter.getTime() < soon + 23 * DAY || info.notBefore.getTime() > now.getTime()) {
        return { ok: false, crlStale: false };
      }
      if (f === p.ca) caDer = Buffer.from(parsed.der);
    }
    const crlStale = [p.crl, p.rootCrl].some((f) => {
      const c = parseCrl(fs.readFileSync(f));
      return !c.nextUpdate || c.nextUpdate.getTime() < soon || c.thisUpdate.getTime() > now.getTime();
    });
    return { ok: true, crlStale, ...(caDer ? { caDer } : {}) };
  } catch {
    return { ok: false, crlStale: false };
  }
}

/** keys/manifest.json lists every person and bad key, their files are there and valid for another week. */
function keysComplete(dataDir: string, people: readonly DemoPerson[], now: Date): boolean {
  const p = devPkiPaths(dataDir);
  if (!fs.existsSync(p.manifest)) return false;
  try {
    const soon = now.getTime() + 7 * DAY;
    const manifest = JSON.parse(fs.readFileSync(p.manifest, 'utf8')) as ManifestEntry[];
    const keys = new Set(manifest.map((e) => e.key));
    if (!people.every((x) => keys.has(x.key)) || !BAD_KEYS.every((k) => keys.has(k))) return false;
    return manifest.every(
      (e) =>
        fs.existsSync(path.join(p.keysDir, e.auth)) &&
        fs.existsSync(path.join(p.keysDir, e.sign)) &&
        (e.status === 'expired' || new Date(e.notAfter).getTime() >= soon),
    );
  } catch {
    return false;
  }
}

/**
 * The plan an interrupted start left, when it can be finished: issued by this CA, for these people,
 * valid for another week, its revoked serials on the CRL.
 */
function unfinishedPlan(dataDir: string, fresh: KeyPlan, now: Date): KeyPlan | null {
  try {
    const plan = JSON.parse(fs.readFileSync(buildPaths(dataDir).plan, 'utf8')) as KeyPlan;
    const soon = now.getTime() + 7 * DAY;
    if (plan.ca !== fresh.ca || planShape(plan) !== planShape(fresh)) return null;
    if (plan.keys.some((k) => k.entry.status !== 'expired' && new Date(k.entry.notAfter).getTime() < soon))
      return null;
    const listed = parseCrl(fs.readFileSync(devPkiPaths(dataDir).crl)).revoked;
    return revokedOf(plan, now).every((r) => listed.has(r.serialHex)) ? plan : null;
  } catch {
    return null;
  }
}

function writeCrls(
  dataDir: string,
  now: Date,
  revoked: Array<{ serialHex: string; date: Date }>,
  crlNumber: number,
): void {
  const p = devPkiPaths(dataDir);
  const ca = loadDevCa(dataDir, 'ca');
  const root = loadDevCa(dataDir, 'root');
  const thisUpdate = new Date(now.getTime() - 3_600_000);
  const nextUpdate = new Date(now.getTime() + 30 * DAY);
  const crl = buildCrl({
    issuer: ca.name,
    issuerKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    thisUpdate,
    nextUpdate,
    revoked,
    crlNumber,
  });
  const rootCrl = buildCrl({
    issuer: root.name,
    issuerKey: root.privateKey,
    issuerPublicKey: root.publicKey,
    thisUpdate,
    nextUpdate,
    revoked: [],
    crlNumber,
  });
  writeAtomic(p.crl, derToPem(crl, 'X509 CRL'));
  writeAtomic(p.rootCrl, derToPem(rootCrl, 'X509 CRL'));
}

function writeAtomic(file: string, data: string | Buffer, mode?: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, mode !== undefined ? { mode } : undefined);
  fs.renameSync(tmp, file);
}

/** Re-issues the CRLs: the serials listed so far plus `add`, a new thisUpdate/nextUpdate and number. */
function reissueCrls(dataDir: string, now: Date, add: Array<{ serialHex: string; date: Date }>): void {
  const p = devPkiPaths(dataDir);
  const old = parseCrl(fs.readFileSync(p.crl));
  const listed = new Set(add.map((r) => r.serialHex));
  const revoked = [
    ...[...old.revoked]
      .filter((s) => !listed.has(s))
      .map((serialHex) => ({ serialHex, date: new Date(now.getTime() - 3_600_000) })),
    ...add,
  ];
  writeCrls(dataDir, now, revoked, Number.parseInt(old.crlNumber ?? '0', 16) + 1);
}

/** Re-issues the dev CRLs (same revoked serials, new thisUpdate/nextUpdate). */
export function refreshDevCrls(dataDir: string, now = new Date()): void {
  reissueCrls(dataDir, now, []);
}

function lockHolderGone(lock: string): boolean {
  let pid = NaN;
  let age = 0;
  try {
    pid = Number(fs.readFileSync(lock, 'utf8'));
    age = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return false; // just released, or being written: look again
  }
  if (age > 30_000) return true; // the holder refreshes the lock every few seconds
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  return false;
}

/**
 * One generator per data directory, across processes (app, worker, test setup): resolves, once the
 * lock is taken, to its release. The holder keeps it while the demo keys are made after the start.
 */
async function acquireLock(dataDir: string): Promise<() => void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, '.pki.lock');
  const started = Date.now();
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockHolderGone(lock)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() - started > 600_000) throw new Error('timed out waiting for the PKI lock');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const t = new Date();
      fs.utimesSync(lock, t, t);
    } catch {
      /* removed under us: nothing to refresh */
    }
  }, 5_000);
  heartbeat.unref();
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    clearInterval(heartbeat);
    fs.rmSync(lock, { force: true });
  };
}

/** At most `n` of the calls' promises pending at once; the others wait their turn, in order. */
function limit(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * How many primes a generation beside a serving portal searches at once: one a core, and always a
 * thread of libuv's pool (UV_THREADPOOL_SIZE, 4) left for the portal's file reads, which queue behind
 * the searches otherwise.
 */
export function backgroundPrimeConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(os.availableParallelism(), pool - 1));
}

/** The dev PKI with its trust anchors in place; the demo keys are still being made (see `keys`). */
export interface DevPkiStaged {
  anchors: {
    /** a new root and issuing CA were made */
    generated: boolean;
    crlRefreshed: boolean;
    ms: number;
  };
  /** what keys/manifest.json lists once `keys` has settled (known before the files exist) */
  manifest: readonly ManifestEntry[];
  /** settles once every key file and the manifest are in place; the lock is held until then */
  keys: Promise<DevPkiSummary>;
}

/**
 * The dev PKI in two steps. First, before this resolves, what a trust store reads: the root, the
 * issuing CA and both CRLs (the revoked key's serials chosen up front), made when missing or near
 * their end, the CRLs re-issued near their nextUpdate. Then, in `keys`, every person's and bad key's
 * .p12 files and keys/manifest.json, when they are missing, incomplete or out of date: made in
 * <dataDir>/.keys-build, each holder's folder renamed into place when written, the whole folder
 * renamed to keys/ with its manifest last; an interrupted build is finished at the next call. The CA
 * is never replaced while the keys are made.
 */
export async function ensureDevPkiStaged(dataDir: string, opts: DevPkiOptions): Promise<DevPkiStaged> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const paths = devPkiPaths(dataDir);
  const release = await acquireLock(dataDir);
  let first: Awaited<ReturnType<typeof settleAnchors>>;
  let manifest: readonly ManifestEntry[];
  try {
    first = await settleAnchors(dataDir, opts, now);
    manifest = first.plan ? first.plan.keys.map((k) => k.entry) : loadManifest(dataDir);
  } catch (e) {
    release();
    throw e;
  }
  const anchorsMs = Math.round(performance.now() - t0);
  const summary = (): DevPkiSummary => ({
    generated: first.plan !== null,
    crlRefreshed: first.crlRefreshed,
    pkiDir: paths.pkiDir,
    keysDir: paths.keysDir,
    keyFiles: manifest.length * 2,
    people: manifest.length,
    ms: Math.round(performance.now() - t0),
  });
  const plan = first.plan;
  const keys = plan
    ? (async () => {
        try {
          await makeKeys(dataDir, plan, opts.primeConcurrency);
          return summary();
        } finally {
          release();
        }
      })()
    : (release(), Promise.resolve(summary()));
  return {
    anchors: { generated: first.anchorsGenerated, crlRefreshed: first.crlRefreshed, ms: anchorsMs },
    manifest,
    keys,
  };
}

/**
 * Generates the dev PKI under `dataDir` when it is missing or incomplete (or `force`), re-issues
 * the CRLs when they are near their nextUpdate. Prints nothing; returns a summary once everything,
 * the demo keys included, is in place.
 */
export async function ensureDevPki(dataDir: string, opts: DevPkiOptions): Promise<DevPkiSummary> {
  return (await ensureDevPkiStaged(dataDir, opts)).keys;
}

/** The anchors in place; `plan`: the demo keys still to make (null: keys/ is complete). Under the lock. */
async function settleAnchors(
  dataDir: string,
  opts: DevPkiOptions,
  now: Date,
): Promise<{ anchorsGenerated: boolean; crlRefreshed: boolean; plan: KeyPlan | null }> {
  // what an interrupted generation of the anchors left (nobody else builds while the lock is held)
  for (const f of fs.readdirSync(dataDir))
    if (f.startsWith('.pki-build-')) fs.rmSync(path.join(dataDir, f), { recursive: true, force: true });
  const bp = buildPaths(dataDir);
  const anchors = opts.force ? { ok: false, crlStale: false } : inspectAnchors(dataDir, now);
  if (!anchors.ok || !anchors.caDer) {
    return { anchorsGenerated: true, crlRefreshed: true, plan: await makeAnchors(dataDir, opts, now) };
  }
  if (keysComplete(dataDir, opts.people, now)) {
    fs.rmSync(bp.plan, { force: true });
    fs.rmSync(bp.build, { recursive: true, force: true });
    if (anchors.crlStale) refreshDevCrls(dataDir, now);
    return { anchorsGenerated: false, crlRefreshed: anchors.crlStale, plan: null };
  }
  // the keys are missing, incomplete or out of date: finish what an interrupted start planned, or
  // plan anew with serials of their own, the revoked key's added to the CRL before anyone reads it
  const fresh = { ...planKeys(opts, now), ca: sha256Hex(anchors.caDer) };
  const unfinished = unfinishedPlan(dataDir, fresh, now);
  if (unfinished) {
    if (anchors.crlStale) refreshDevCrls(dataDir, now);
    return { anchorsGenerated: false, crlRefreshed: anchors.crlStale, plan: unfinished };
  }
  forgetDataDir(dataDir);
  fs.rmSync(bp.build, { recursive: true, force: true });
  reissueCrls(dataDir, now, revokedOf(fresh, now));
  writeAtomic(bp.plan, JSON.stringify(fresh));
  return { anchorsGenerated: false, crlRefreshed: true, plan: fresh };
}

/** An authority's certificate valid from a day before `now` for `years`, signed by `signer` (itself when absent). */
function authorityCert(
  subject: Buffer,
  key: RsaKey,
  kind: 'root' | 'ca',
  years: number,
  now: Date,
  signer: { name: Buffer; key: RsaKey } = { name: subject, key },
): Buffer {
  return buildCertificate({
    serial: newSerial(),
    issuer: signer.name,
    subject,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + years * YEAR),
    subjectKey: key.publicKey,
    signingKey: signer.key.privateKey,
    issuerPublicKey: signer.key.publicKey,
    profile: { kind },
  });
}

/**
 * A new root and issuing CA with their CRLs, built aside and renamed to pki/ after the old keys/ (of
 * the CA replaced) is gone; returns the plan of the demo keys, written next to it.
 */
async function makeAnchors(dataDir: string, opts: DevPkiOptions, now: Date): Promise<KeyPlan> {
  const plan = planKeys(opts, now);
  forgetDataDir(dataDir);
  const build = path.join(dataDir, `.pki-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  const bp = devPkiPaths(build);
  fs.mkdirSync(path.join(bp.pkiDir, 'private'), { recursive: true });
  const [rootKey, caKey] = await Promise.all([generateRsaKey(), generateRsaKey()]);
  const rootName = encodeName({ cn: ROOT_CN });
  const rootDer = authorityCert(rootName, rootKey, 'root', 10, now);
  const caDer = authorityCert(encodeName({ cn: CA_CN }), caKey, 'ca', 5, now, {
    name: rootName,
    key: rootKey,
  });
  plan.ca = sha256Hex(caDer);
  fs.writeFileSync(bp.root, derToPem(rootDer));
  fs.writeFileSync(bp.ca, derToPem(caDer));
  fs.writeFileSync(bp.rootKey, rootKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(bp.caKey, caKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeCrls(build, now, revokedOf(plan, now), 1);

  // swap the new anchors into place: the keys of the CA they replace go first
  const paths = devPkiPaths(dataDir);
  const kp = buildPaths(dataDir);
  fs.rmSync(paths.keysDir, { recursive: true, force: true });
  fs.rmSync(kp.plan, { force: true });
  fs.rmSync(kp.build, { recursive: true, force: true });
  fs.rmSync(paths.pkiDir, { recursive: true, force: true });
  fs.renameSync(bp.pkiDir, paths.pkiDir);
  fs.rmSync(build, { recursive: true, force: true });
  writeAtomic(kp.plan, JSON.stringify(plan));
  return plan;
}

/**
 * The planned demo keys, issued by the CA in pki/: each holder's folder written aside and renamed
 * into .keys-build when complete (those already there are kept), then the manifest, then the whole
 * folder renamed to keys/. `primeConcurrency`: at most that many prime searches at once.
 */
async function makeKeys(dataDir: string, plan: KeyPlan, primeConcurrency?: number): Promise<void> {
  const { build, plan: planFile } = buildPaths(dataDir);
  fs.mkdirSync(build, { recursive: true });
  for (const f of fs.readdirSync(build))
    if (f.includes('.part-')) fs.rmSync(path.join(build, f), { recursive: true, force: true });
  const ca = loadDevCa(dataDir, 'ca');
  const slot = primeConcurrency ? limit(primeConcurrency) : null;
  const prime = slot ? (bits: number) => slot(() => primeAsync(bits)) : primeAsync;
  const rsa = () => generateRsaKey(2048, { prime });
  const made = new Date(plan.made);
  const fresh: Array<[string, DevKey]> = [];

  await Promise.all(
    plan.keys.map(async ({ entry, subject, notBefore, serials }) => {
      const dir = path.join(build, entry.key);
      const foreign = entry.status === 'foreign';
      const files = [entry.auth, entry.sign, ...(foreign ? [`${entry.key}/foreign-ca.pem`] : [])];
      if (fs.existsSync(dir)) {
        // written before an interruption
        if (files.every((f) => fs.existsSync(path.join(build, f)))) return;
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const [authKey, signKey, foreignKey] = await Promise.all([rsa(), rsa(), ...(foreign ? [rsa()] : [])]);
      const part = `${dir}.part-${randomBytes(4).toString('hex')}`;
      fs.mkdirSync(part);
      // the foreign CA copies the real issuing CA's DN but has its own key (self-signed); its
      // certificate is kept next to the foreign keys (never in pki/, which holds the trust anchors)
      if (foreignKey)
        fs.writeFileSync(
          path.join(part, 'foreign-ca.pem'),
          derToPem(authorityCert(ca.name, foreignKey, 'ca', 5, made)),
        );
      const signer = foreignKey ?? { privateKey: ca.privateKey, publicKey: ca.publicKey };
      for (const [keyType, key] of [
        ['AUTH', authKey],
        ['SIGN', signKey],
      ] as const) {
        if (!key) throw new Error('a key was not generated');
        const certDer = buildCertificate({
          serial: Buffer.from(serials[keyType], 'hex'),
          issuer: ca.name,
          subject: encodeName(subject),
          notBefore: new Date(notBefore),
          notAfter: new Date(entry.notAfter),
          subjectKey: key.publicKey,
          signingKey: signer.privateKey,
          issuerPublicKey: signer.publicKey,
          profile: { kind: 'user', keyType, legal: entry.kind === 'legal' },
        });
        const file = keyType === 'AUTH' ? entry.auth : entry.sign;
        fs.writeFileSync(
          path.join(part, path.basename(file)),
          writeP12(key.privateKey, certDer, DEV_PASSWORD, { alias: serials[keyType] }),
        );
        fresh.push([
          cacheKey(dataDir, entry.key, keyType),
          {
            privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
            certPem: derToPem(certDer),
            privateKey: key.privateKey,
            cert: inspectCertificate(certDer).info,
          },
        ]);
      }
      fs.renameSync(part, dir);
    }),
  );
  fs.writeFileSync(
    path.join(build, 'manifest.json'),
    JSON.stringify(
      plan.keys.map((k) => k.entry),
      null,
      2,
    ) + '\n',
  );

  // swap the finished keys into place: the manifest appears with every file it names
  const paths = devPkiPaths(dataDir);
  forgetDataDir(dataDir);
  fs.rmSync(paths.keysDir, { recursive: true, force: true });
  fs.renameSync(build, paths.keysDir);
  fs.rmSync(planFile, { force: true });
  for (const [k, v] of fresh) devKeyCache.set(k, v);
}
