/**
 * Trust anchors (root + issuing CA certificates from configuration) and their CRLs.
 *
 * - Chain checks use node:crypto (`X509Certificate.verify(issuerKey)`); a certificate is parsed and
 *   its chain checked once per fingerprint (SHA-256 of the DER): the parsed certificate and the
 *   time-independent outcome (which anchor signed it, or why none) stay in a bounded LRU cache that
 *   is emptied whenever a CRL changes. Validity, revocation and CRL freshness are checked on every
 *   call with the time of that call.
 * - CRLs come from files (dev stand) or URLs (production): fetched with a timeout, their signature
 *   checked against the issuing anchor, optionally cached on disk, refreshed before nextUpdate.
 *   A CRL that cannot be fetched is logged and reported by `health()`; with `refuseWhenCrlStale`
 *   (default) a certificate whose issuer has no fresh CRL is refused with EDS_CRL_STALE.
 * - `isRevoked(serial)` is a Set lookup.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { certificateDer, derToPem, inspectCertificate, type ParsedCertificate } from './certificate.js';
import { parseCrl, verifyCrlSignature, type ParsedCrl } from './crl.js';
import { EdsError, type EdsErrorCode } from './errors.js';
import { OID } from './oids.js';

export interface TrustLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  url?: string;
  issuer?: string;
  error?: string;
}

export type TrustLog = (entry: TrustLogEntry) => void;

export interface TrustStoreOptions {
  /** PEM (one or several certificates each) or DER: roots and issuing CAs */
  anchors: Array<string | Buffer>;
  /** CRLs known up front (PEM or DER), e.g. files of the dev stand */
  crls?: Array<string | Buffer>;
  /** CRL distribution points to fetch (production) */
  crlUrls?: string[];
  /** refuse certificates whose issuer has no fresh CRL (default true) */
  refuseWhenCrlStale?: boolean;
  log?: TrustLog;
  /** per-request timeout of CRL downloads (default 5000 ms) */
  fetchTimeoutMs?: number;
  /** refresh a CRL this long before its nextUpdate (default 15 min) */
  refreshMarginMs?: number;
  /** retry delay after a failed download and minimum refresh period (default 60 s) */
  retryMs?: number;
  /** refresh at least this often even if nextUpdate is far (default 1 h) */
  maxRefreshMs?: number;
  /** keep the last good CRL of every URL here, to survive restarts without network */
  cacheDir?: string;
  /** injectable for tests; defaults to global fetch */
  fetch?: typeof fetch;
  /** bounded cache of per-certificate chain results (default 5000 certificates) */
  certCacheSize?: number;
}

export interface TrustAnchor {
  id: string;
  parsed: ParsedCertificate;
  root: boolean;
  /** id of the anchor that issued this one (null for roots or when not configured) */
  issuerId: string | null;
}

export interface CrlHealth {
  issuer: string | null;
  url: string | null;
  source: string;
  thisUpdate: string | null;
  nextUpdate: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  fresh: boolean;
  delta: boolean;
  revoked: number;
}

export interface TrustHealth {
  ok: boolean;
  anchors: Array<{ subject: string; notAfter: string; root: boolean }>;
  crls: CrlHealth[];
}

interface CrlRecord {
  crl: ParsedCrl;
  issuerId: string;
  source: string;
}

interface CrlSource {
  source: string;
  url: string | null;
  /** a file re-read by refreshCrls() (dev stand) */
  file: string | null;
  record: CrlRecord | null;
  lastError: string | null;
  lastSuccessAt: Date | null;
}

interface ChainResult {
  parsed: ParsedCertificate;
  anchor: TrustAnchor | null;
  error: { code: EdsErrorCode; detail?: string } | null;
}

export interface CheckedCertificate {
  parsed: ParsedCertificate;
  anchor: TrustAnchor;
}

function splitPems(input: string | Buffer): Array<string | Buffer> {
  if (Buffer.isBuffer(input) && input[0] === 0x30) return [input];
  const text = input.toString();
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  return blocks ?? [text];
}

function isFresh(crl: ParsedCrl, now: Date): boolean {
  return (
    crl.thisUpdate.getTime() <= now.getTime() &&
    crl.nextUpdate !== null &&
    now.getTime() < crl.nextUpdate.getTime()
  );
}

const ALLOWED_CERT_SIG = new Set<string>([OID.sha256WithRSA, OID.sha384WithRSA, OID.sha512WithRSA]);

export class TrustStore {
  readonly refuseWhenCrlStale: boolean;
  private readonly anchors: TrustAnchor[] = [];
  private readonly anchorsBySubject = new Map<string, TrustAnchor[]>();
  private readonly sources = new Map<string, CrlSource>();
  private byIssuer = new Map<string, { base: CrlRecord | null; delta: CrlRecord | null }>();
  private revokedByIssuer = new Map<string, Set<string>>();
  private revokedAll = new Set<string>();
  private readonly chainCache = new Map<string, ChainResult>();
  private readonly certCacheSize: number;
  private readonly log: TrustLog;
  private readonly opts: TrustStoreOptions;
  private timer: NodeJS.Timeout | null = null;
  private lastStaleWarning = 0;

  constructor(opts: TrustStoreOptions) {
    this.opts = opts;
    this.refuseWhenCrlStale = opts.refuseWhenCrlStale ?? true;
    this.log = opts.log ?? (() => undefined);
    this.certCacheSize = opts.certCacheSize ?? 5000;
    for (const input of opts.anchors) for (const one of splitPems(input)) this.addAnchor(one);
    if (this.anchors.length === 0) throw new Error('TrustStore needs at least one trust anchor');
    this.linkAnchors();
    (opts.crls ?? []).forEach((c, i) => this.addCrl(c, `static:${i}`));
    for (const url of opts.crlUrls ?? []) {
      if (!this.sources.has(url)) {
        this.sources.set(url, {
          source: url,
          url,
          file: null,
          record: null,
          lastError: 'not fetched yet',
          lastSuccessAt: null,
        });
      }
    }
  }

  /** Dev stand: `root.pem`, `ca.pem`, `crl.pem` (+ `root-crl.pem`) of a PKI directory. */
  static fromDirectory(
    pkiDir: string,
    opts: Partial<Omit<TrustStoreOptions, 'anchors' | 'crls'>> = {},
  ): TrustStore {
    const read = (name: string) => fs.readFileSync(path.join(pkiDir, name));
    const crls: Buffer[] = [];
    for (const name of ['crl.pem', 'root-crl.pem']) {
      if (fs.existsSync(path.join(pkiDir, name))) crls.push(read(name));
    }
    const store = new TrustStore({ ...opts, anchors: [read('root.pem'), read('ca.pem')], crls: [] });
    crls.forEach((c, i) => {
      const file = path.join(pkiDir, i === 0 ? 'crl.pem' : 'root-crl.pem');
      store.addCrl(c, file);
      const src = store.sources.get(file);
      if (src) src.file = file;
    });
    return store;
  }

  /** Production: anchors and CRL URLs from configuration; downloads the CRLs once and keeps them fresh. */
  static async fromConfig(opts: TrustStoreOptions & { autoRefresh?: boolean }): Promise<TrustStore> {
    const store = new TrustStore(opts);
    await store.refreshCrls();
    if (opts.autoRefresh ?? true) store.startAutoRefresh();
    return store;
  }

  // ------------------------------------------------------------ anchors

  private addAnchor(input: string | Buffer): void {
    const parsed = inspectCertificate(input);
    const id = parsed.info.fingerprint256;
    if (this.anchors.some((a) => a.id === id)) return;
    if (!parsed.info.isCa)
      this.log({
        level: 'warn',
        message: 'trust anchor is not a CA certificate',
        issuer: parsed.info.subjectDn,
      });
    const root = parsed.info.selfIssued && safeVerify(parsed, parsed);
    const anchor: TrustAnchor = { id, parsed, root, issuerId: null };
    this.anchors.push(anchor);
    const list = this.anchorsBySubject.get(parsed.subjectKey) ?? [];
    list.push(anchor);
    this.anchorsBySubject.set(parsed.subjectKey, list);
  }

  private linkAnchors(): void {
    for (const a of this.anchors) {
      if (a.root) continue;
      const issuer = (this.anchorsBySubject.get(a.parsed.issuerKey) ?? []).find(
        (c) => c !== a && safeVerify(a.parsed, c.parsed),
      );
      if (issuer) a.issuerId = issuer.id;
      else {
        this.log({
          level: 'warn',
          message: 'intermediate trust anchor does not chain to a configured root; trusted as configured',
          issuer: a.parsed.info.subjectDn,
        });
      }
    }
  }

  getAnchors(): readonly TrustAnchor[] {
    return this.anchors;
  }

  // ------------------------------------------------------------ CRLs

  /**
   * Adds a CRL after checking its signature against a trust anchor with the CRL's issuer name.
   * Throws when the CRL is malformed or its signature does not verify. An older CRL never
   * replaces a newer one of the same issuer.
   */
  addCrl(input: string | Buffer, source = 'manual'): ParsedCrl {
    const crl = parseCrl(input);
    const issuer = (this.anchorsBySubject.get(crl.issuerKey) ?? []).find((a) =>
      verifyCrlSignature(crl, a.parsed.publicKey()),
    );
    if (!issuer) throw new Error(`CRL of ${crl.issuerDn} is not signed by a trust anchor`);
    const src = this.sources.get(source) ?? {
      source,
      url: null,
      file: null,
      record: null,
      lastError: null,
      lastSuccessAt: null,
    };
    const changed = !src.record || !src.record.crl.der.equals(crl.der);
    if (!src.record || src.record.crl.thisUpdate.getTime() <= crl.thisUpdate.getTime()) {
      src.record = { crl, issuerId: issuer.id, source };
    }
    src.lastError = null;
    src.lastSuccessAt = new Date();
    this.sources.set(source, src);
    this.reindex();
    // a new CRL: every certificate is checked afresh (the same CRL fetched again changes nothing)
    if (changed) this.chainCache.clear();
    return crl;
  }

  private reindex(): void {
    const byIssuer = new Map<string, { base: CrlRecord | null; delta: CrlRecord | null }>();
    for (const src of this.sources.values()) {
      const r = src.record;
      if (!r) continue;
      const slot = byIssuer.get(r.issuerId) ?? { base: null, delta: null };
      const key = r.crl.isDelta ? 'delta' : 'base';
      const cur = slot[key];
      if (!cur || cur.crl.thisUpdate.getTime() < r.crl.thisUpdate.getTime()) slot[key] = r;
      byIssuer.set(r.issuerId, slot);
    }
    const revokedByIssuer = new Map<string, Set<string>>();
    const all = new Set<string>();
    for (const [issuerId, slot] of byIssuer) {
      const set = new Set<string>();
      for (const r of [slot.base, slot.delta]) if (r) for (const s of r.crl.revoked) set.add(s);
      revokedByIssuer.set(issuerId, set);
      for (const s of set) all.add(s);
    }
    this.byIssuer = byIssuer;
    this.revokedByIssuer = revokedByIssuer;
    this.revokedAll = all;
  }

  /** O(1): is this serial (hex, any case, leading zeros ignored) on a loaded CRL (of `issuerId` if given)? */
  isRevoked(serialHex: string, issuerId?: string): boolean {
    const s = normaliseSerial(serialHex);
    if (issuerId === undefined) return this.revokedAll.has(s);
    return this.revokedByIssuer.get(issuerId)?.has(s) ?? false;
  }

  /** Whether the CRL(s) of an issuing anchor are present and current. */
  crlFresh(issuerId: string, now = new Date()): boolean {
    const slot = this.byIssuer.get(issuerId);
    if (!slot?.base || !isFresh(slot.base.crl, now)) return false;
    const deltaConfigured = [...this.sources.values()].some(
      (s) => s.record?.issuerId === issuerId && s.record.crl.isDelta,
    );
    return !deltaConfigured || (slot.delta !== null && isFresh(slot.delta.crl, now));
  }

  /**
   * Downloads every configured CRL URL (in parallel) and re-reads CRL files (dev stand, where
   * ensureDevPki re-issues them); failures are logged and kept for health().
   */
  async refreshCrls(): Promise<void> {
    const all = [...this.sources.values()];
    for (const s of all) {
      if (!s.file) continue;
      try {
        this.addCrl(fs.readFileSync(s.file), s.source);
      } catch (e) {
        s.lastError = e instanceof Error ? e.message : String(e);
        this.log({ level: 'error', message: 'CRL file unusable', url: s.file, error: s.lastError });
      }
    }
    const urls = all.filter((s) => s.url !== null).map((s) => s.url as string);
    await Promise.all(urls.map((u) => this.refreshOne(u)));
  }

  private cacheFile(url: string): string | null {
    if (!this.opts.cacheDir) return null;
    return path.join(
      this.opts.cacheDir,
      createHash('sha256').update(url).digest('hex').slice(0, 32) + '.crl',
    );
  }

  private async refreshOne(url: string): Promise<void> {
    const src = this.sources.get(url);
    if (!src) return;
    const doFetch = this.opts.fetch ?? globalThis.fetch;
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      const crl = this.addCrl(body, url);
      const file = this.cacheFile(url);
      if (file) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file + '.tmp', crl.der);
        fs.renameSync(file + '.tmp', file);
      }
      this.log({ level: 'info', message: 'CRL refreshed', url, issuer: crl.issuerDn });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      src.lastError = msg;
      this.log({ level: 'error', message: 'CRL download failed', url, error: msg });
      if (!src.record) this.loadCached(url);
    }
  }

  private loadCached(url: string): void {
    const file = this.cacheFile(url);
    if (!file || !fs.existsSync(file)) return;
    const src = this.sources.get(url);
    const lastError = src?.lastError ?? null;
    try {
      this.addCrl(fs.readFileSync(file), url);
      const after = this.sources.get(url);
      if (after) after.lastError = lastError;
      this.log({ level: 'warn', message: 'using the cached CRL', url });
    } catch (e) {
      this.log({
        level: 'error',
        message: 'cached CRL unusable',
        url,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Schedules refreshes before each nextUpdate (timers are unref'd). */
  startAutoRefresh(): void {
    this.stopAutoRefresh();
    const schedule = () => {
      const delay = this.nextRefreshDelay(new Date());
      this.timer = setTimeout(() => {
        this.refreshCrls()
          .catch((e: unknown) =>
            this.log({ level: 'error', message: 'CRL refresh failed', error: String(e) }),
          )
          .finally(schedule);
      }, delay);
      this.timer.unref();
    };
    schedule();
  }

  stopAutoRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** ms until the next refresh: before the earliest nextUpdate, soon after failures, bounded. */
  nextRefreshDelay(now: Date): number {
    const retry = this.opts.retryMs ?? 60_000;
    const max = this.opts.maxRefreshMs ?? 3_600_000;
    const margin = this.opts.refreshMarginMs ?? 900_000;
    let delay = max;
    for (const s of this.sources.values()) {
      if (!s.url && !s.file) continue;
      if (s.lastError || !s.record) return retry;
      const next = s.record.crl.nextUpdate;
      if (next) delay = Math.min(delay, next.getTime() - margin - now.getTime());
    }
    return Math.max(retry, Math.min(delay, max));
  }

  health(now = new Date()): TrustHealth {
    const crls: CrlHealth[] = [...this.sources.values()].map((s) => {
      const c = s.record?.crl ?? null;
      return {
        issuer: c?.issuerDn ?? null,
        url: s.url,
        source: s.source,
        thisUpdate: c?.thisUpdate.toISOString() ?? null,
        nextUpdate: c?.nextUpdate?.toISOString() ?? null,
        lastError: s.lastError,
        lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
        fresh: c ? isFresh(c, now) : false,
        delta: c?.isDelta ?? false,
        revoked: c?.revoked.size ?? 0,
      };
    });
    return {
      ok: crls.length > 0 && crls.every((c) => c.fresh),
      anchors: this.anchors.map((a) => ({
        subject: a.parsed.info.subjectDn,
        notAfter: a.parsed.info.notAfter.toISOString(),
        root: a.root,
      })),
      crls,
    };
  }

  // ------------------------------------------------------------ certificates

  /** Certificates in the chain cache now (the tests look at it). */
  get cachedCertificates(): number {
    return this.chainCache.size;
  }

  /** Certificates parsed and checked against the anchors so far, i.e. chain cache misses (the tests look at it). */
  chainsChecked = 0;

  private chainOf(derOrPem: string | Buffer): ChainResult {
    const der = certificateDer(derOrPem);
    const key = createHash('sha256').update(der).digest('hex');
    const hit = this.chainCache.get(key);
    if (hit) {
      // least recently used first: a hit moves to the end
      this.chainCache.delete(key);
      this.chainCache.set(key, hit);
      return hit;
    }
    this.chainsChecked++;
    let result: ChainResult;
    // the cache keeps the certificate: its bytes get a buffer of their own, not a slice of node's
    // shared 8 KB allocation pool that would stay pinned with it (thousands of certificates)
    const own = Buffer.allocUnsafeSlow(der.length);
    der.copy(own);
    const parsed = inspectCertificate(own);
    result = { parsed, anchor: null, error: null };
    const info = parsed.info;
    if (
      info.keyAlgorithm === 'GOST' ||
      info.signatureAlgorithm.startsWith('1.2.398.3.10.') ||
      info.signatureAlgorithm.startsWith('1.2.643.')
    ) {
      result.error = { code: 'EDS_GOST', detail: 'GOST certificate' };
    } else if (info.keyAlgorithm !== 'RSA') {
      result.error = { code: 'EDS_ALGORITHM', detail: 'the certificate key is not RSA' };
    } else {
      const candidates = (this.anchorsBySubject.get(parsed.issuerKey) ?? []).filter(
        (a) => a.parsed.info.isCa,
      );
      const anchor = candidates.find((a) => safeVerify(parsed, a.parsed)) ?? null;
      if (anchor) {
        result = { parsed, anchor, error: null };
        const problem = info.isCa ? 'a CA certificate cannot act as a user' : this.issuingProblem(anchor);
        if (problem) result.error = { code: 'EDS_CERT_UNTRUSTED', detail: problem };
      } else if (info.selfIssued && safeVerify(parsed, parsed)) {
        result.error = { code: 'EDS_CERT_SELF_SIGNED' };
      } else {
        result.error = { code: 'EDS_CERT_UNTRUSTED', detail: `issuer ${info.issuerDn} not trusted` };
      }
    }
    if (this.chainCache.size >= this.certCacheSize) {
      const oldest = this.chainCache.keys().next().value;
      if (oldest !== undefined) this.chainCache.delete(oldest);
    }
    this.chainCache.set(key, result);
    return result;
  }

  /**
   * Why the CA path above an end-entity certificate may not issue it, or null: NCA issues user
   * certificates from an issuing CA, never from the root; every CA on the path must be a CA with
   * keyCertSign, and none may have more CA certificates below it than its pathLenConstraint allows.
   */
  private issuingProblem(issuing: TrustAnchor): string | null {
    if (issuing.root) return 'an end-entity certificate issued directly by a root CA';
    let cur: TrustAnchor | undefined = issuing;
    let below = 0; // CA certificates between `cur` and the end-entity certificate
    for (let step = 0; cur && step < 16; step++) {
      const ca = cur.parsed.info;
      if (!ca.isCa) return `${ca.subjectDn} is not a CA certificate`;
      if (!ca.keyUsage.includes('keyCertSign'))
        return `${ca.subjectDn} may not sign certificates (no keyCertSign)`;
      if (ca.pathLen !== null && below > ca.pathLen)
        return `path length constraint ${ca.pathLen} of ${ca.subjectDn} exceeded`;
      if (cur.root || !cur.issuerId) return null;
      if (!ca.selfIssued) below++;
      const up: string = cur.issuerId;
      cur = this.anchors.find((a) => a.id === up);
    }
    return 'the CA path is too long';
  }

  /**
   * Step 4 of eds.md, the part that does not depend on the request: chain to a trust anchor,
   * validity at `now`, revocation (fresh CRL), key strength. Throws EdsError. The chain part comes
   * from the cache when this certificate (by fingerprint) was seen since the last CRL change.
   */
  checkCertificate(derOrPem: string | Buffer, now = new Date()): CheckedCertificate {
    const chain = this.chainOf(derOrPem);
    if (chain.error) throw new EdsError(chain.error.code, chain.error.detail);
    const anchor = chain.anchor as TrustAnchor;
    const info = chain.parsed.info;
    const t = now.getTime();
    const ca = anchor.parsed.info;
    if (t < ca.notBefore.getTime() || t > ca.notAfter.getTime()) {
      throw new EdsError('EDS_CERT_UNTRUSTED', 'the issuing CA certificate is outside its validity period');
    }
    if (t < info.notBefore.getTime())
      throw new EdsError('EDS_CERT_NOT_YET_VALID', `valid from ${info.notBefore.toISOString()}`);
    if (t > info.notAfter.getTime())
      throw new EdsError('EDS_CERT_EXPIRED', `expired ${info.notAfter.toISOString()}`);
    if (this.isRevoked(info.serialHex, anchor.id))
      throw new EdsError('EDS_CERT_REVOKED', `serial ${info.serialHex}`);
    if (anchor.issuerId && this.isRevoked(ca.serialHex, anchor.issuerId)) {
      throw new EdsError('EDS_CERT_REVOKED', 'the issuing CA certificate is revoked');
    }
    if (!this.crlFresh(anchor.id, now)) {
      if (this.refuseWhenCrlStale) throw new EdsError('EDS_CRL_STALE', `no current CRL of ${ca.subjectDn}`);
      if (t - this.lastStaleWarning > 60_000) {
        this.lastStaleWarning = t;
        this.log({
          level: 'warn',
          message: 'accepting a certificate without a current CRL',
          issuer: ca.subjectDn,
        });
      }
    }
    if ((info.keyBits ?? 0) < 2048) throw new EdsError('EDS_CERT_WEAK', `RSA-${info.keyBits ?? 0}`);
    if (!ALLOWED_CERT_SIG.has(info.signatureAlgorithm)) {
      throw new EdsError(
        'EDS_CERT_WEAK',
        info.signatureAlgorithm === OID.sha1WithRSA
          ? 'sha1WithRSA certificate'
          : `signature ${info.signatureAlgorithm}`,
      );
    }
    return { parsed: chain.parsed, anchor };
  }

  /** PEMs of the anchors (e.g. for NCALayer's `chain` on the dev stand). */
  anchorPems(): string[] {
    return this.anchors.map((a) => derToPem(a.parsed.der));
  }
}

function safeVerify(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return cert.signedBy(issuer);
  } catch {
    return false;
  }
}

export function normaliseSerial(hex: string): string {
  const s = hex.replace(/[^0-9a-fA-F]/g, '').replace(/^0+(?=.)/, '');
  return s.toUpperCase();
}
