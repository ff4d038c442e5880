import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Knex } from 'knex';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import { inPreparedTransaction, prepared, runPrepared, type PreparedTx } from '../../db/prepared.js';
import {
  EdsError,
  TrustStore,
  renderDocument,
  sameDocument,
  verifySignedXml,
  prepareSignature,
  type DocumentKind,
  type FieldValue,
  type VerifiedDocument,
} from '../../eds/index.js';

export type KeyType = 'AUTH' | 'SIGN';
/** who must sign: a person for themselves (or a guardian), or an organisation's employee */
export type SignerKind = 'individual' | 'employee';

export interface IssueInput {
  kind: DocumentKind;
  purpose: string;
  keyType: KeyType;
  /** null for a login challenge: nobody is known yet */
  actor: { personId: number; iin: string; organisationBin?: string } | null;
  principal?: { personId: number; iin: string } | null;
  object?: { type: string; id: string | number; version?: number };
  /** the document's business fields (see src/eds/documents.ts for each kind's required ones) */
  payload: Record<string, FieldValue>;
}

export interface SignRequestRow {
  id: string;
  kind: string;
  purpose: string;
  key_type: KeyType;
  actor_id: number | null;
  principal_id: number | null;
  object_type: string | null;
  object_id: string | null;
  object_version: number | null;
  xml: string;
  xml_sha256: string;
  payload: Record<string, unknown> & { _actorIin?: string; _principalIin?: string; _bin?: string };
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface IssuedSignRequest {
  id: string;
  xml: string;
  keyType: KeyType;
  /** whose key the browser signer expects: a person's, an organisation employee's, or either (login) */
  signer: SignerKind | 'any';
  expiresAt: Date;
}

export type SignerCert = VerifiedDocument['cert'];

/** What a signed step posts to verify: the signed copy and what it must have been issued for. */
export interface ApplyInput {
  signRequestId: string;
  signedXml: string;
  purpose: string | string[];
  actorId: number | null;
  signer: SignerKind;
  /** the sign request as the caller already read it (signRequestJoin), or null when there is none */
  request?: SignRequestRow | null;
}

/** The stored signed document a change is applied with. */
export interface ConsumedDoc {
  id: number;
  request: SignRequestRow;
  cert: SignerCert;
}

export interface VerifiedSignature {
  request: SignRequestRow;
  cert: SignerCert;
  signedXml: string;
  verifiedAt: Date;
}

/**
 * Production: anchors and CRL URLs from configuration; CRLs fetched now and kept fresh. (The dev
 * stand passes the trust store of its own PKI instead: src/devstand/index.ts.)
 */
export async function createTrustStore(config: Config, logger: Logger): Promise<TrustStore> {
  const anchors = (config.EDS_TRUST_ANCHORS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((f) => fs.readFileSync(f));
  return TrustStore.fromConfig({
    anchors,
    crlUrls: (config.EDS_CRL_URLS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    refuseWhenCrlStale: config.EDS_REFUSE_WHEN_CRL_STALE,
    log: (entry) => logger.warn({ eds: entry }, 'trust store'),
  });
}

const REQUEST_ID = /^[0-9a-f-]{36}$/i;

/** A posted sign request id as a statement may bind it: null when it is no request id at all. */
export function signRequestIdOrNull(id: string): string | null {
  return REQUEST_ID.test(id) ? id : null;
}

/**
 * The sign request `id` as one json column `sign_request` of a caller's query (left-joined, so the
 * caller's own row decides whether there is an answer): a step that reads its object before the
 * signature is verified reads the request in the same statement. Read it back with
 * `signRequestFromJson`.
 */
export function signRequestJoin(
  db: Knex | Knex.Transaction,
  query: Knex.QueryBuilder,
  id: string,
): Knex.QueryBuilder {
  return query
    .leftJoin('sign_requests as sr', 'sr.id', db.raw('?::uuid', [signRequestIdOrNull(id)]))
    .select(db.raw('case when sr.id is null then null else row_to_json(sr.*) end as sign_request'));
}

/** A sign request read by signRequestJoin (null when there is none). */
export function signRequestFromJson(json: unknown): SignRequestRow | null {
  if (!json || typeof json !== 'object') return null;
  const r = json as SignRequestRow & { created_at: string; expires_at: string; consumed_at: string | null };
  return {
    ...r,
    created_at: new Date(r.created_at),
    expires_at: new Date(r.expires_at),
    consumed_at: r.consumed_at === null ? null : new Date(r.consumed_at),
  };
}

/** consume()'s one statement, prepared: every signed step sends it */
const CONSUME = prepared(
  'signing.consume',
  `with used as (
     update sign_requests set consumed_at = $1
      where id = $2 and consumed_at is null and expires_at > $1
      returning id)
   insert into signed_documents (sign_request_id, kind, purpose, signer_id, principal_id, signer_iin,
     signer_bin, signer_name, cert_serial, cert_issuer, cert_subject, cert_not_before, cert_not_after,
     cert_fingerprint, object_type, object_id, signed_xml, signed_xml_sha256, verification, signed_at)
   select used.id, $3::text, $4::text, $5::bigint, $6::bigint, $7::text, $8::text, $9::text, $10::text,
     $11::text, $12::text, $13::timestamptz, $14::timestamptz, $15::text, $16::text, $17::text, $18::text,
     $19::text, $20::jsonb, $1::timestamptz
     from used
   returning id`,
);

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

/**
 * The one signing path of every module: issue a document for an action, verify what comes back
 * (eds.md order), consume the request exactly once and keep the signed document as evidence,
 * in the same transaction as the state change it authorises.
 */
export class SigningService {
  constructor(
    private readonly db: Knex,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {}

  async issue(input: IssueInput, db: Knex | Knex.Transaction = this.db): Promise<IssuedSignRequest> {
    const id = crypto.randomUUID();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.SIGN_REQUEST_TTL_MINUTES * 60_000);
    const xml = renderDocument(input.kind, {
      id,
      ...(input.actor ? { actorIin: input.actor.iin } : {}),
      ...(input.principal && input.principal.personId !== input.actor?.personId
        ? { principalIin: input.principal.iin }
        : {}),
      object: input.object
        ? { type: input.object.type, id: String(input.object.id), version: input.object.version ?? 0 }
        : { type: 'portal', id: input.purpose, version: 0 },
      issuedAt: now,
      fields: { purpose: input.purpose, ...input.payload } as never,
    });
    await db('sign_requests').insert({
      id,
      kind: input.kind,
      purpose: input.purpose,
      key_type: input.keyType,
      actor_id: input.actor?.personId ?? null,
      principal_id: input.principal?.personId ?? input.actor?.personId ?? null,
      object_type: input.object?.type ?? null,
      object_id: input.object ? String(input.object.id) : null,
      object_version: input.object?.version ?? null,
      xml,
      xml_sha256: sha256(xml),
      payload: JSON.stringify({
        ...input.payload,
        _actorIin: input.actor?.iin,
        _principalIin: input.principal?.iin,
        _bin: input.actor?.organisationBin,
      }),
      created_at: now,
      expires_at: expiresAt,
    });
    const signer = !input.actor ? 'any' : input.actor.organisationBin ? 'employee' : 'individual';
    return { id, xml, keyType: input.keyType, signer, expiresAt };
  }

  /**
   * Deletes sign requests that expired unused (login challenges, documents nobody signed): they hold
   * names, IINs and addresses. Consumed ones stay with their signed documents. Returns the count.
   */
  async deleteExpired(): Promise<number> {
    return this.db('sign_requests')
      .whereNull('consumed_at')
      .andWhere('expires_at', '<=', this.clock.now())
      .delete();
  }

  async findRequest(id: string, db: Knex | Knex.Transaction = this.db): Promise<SignRequestRow | undefined> {
    if (!REQUEST_ID.test(id)) return undefined;
    return (await db('sign_requests').where({ id }).first()) as SignRequestRow | undefined;
  }

  /**
   * Everything that needs no lock: the request is the actor's, unused and alive; the signature
   * verifies fully; the signer is the actor; the signed reference is the document we issued.
   */
  async verify(input: ApplyInput): Promise<VerifiedSignature> {
    const request =
      input.request !== undefined
        ? (input.request ?? undefined)
        : await this.findRequest(input.signRequestId);
    if (!request) throw new AppError('EDS_REQUEST_UNKNOWN', 422);
    const purposes = Array.isArray(input.purpose) ? input.purpose : [input.purpose];
    if (!purposes.includes(request.purpose) || request.actor_id !== input.actorId)
      throw new AppError('EDS_REQUEST_UNKNOWN', 422);
    const now = this.clock.now();
    const login = request.purpose === 'login';
    if (request.consumed_at) throw new EdsError(login ? 'EDS_CHALLENGE_USED' : 'EDS_REQUEST_USED');
    if (new Date(request.expires_at).getTime() <= now.getTime())
      throw new EdsError(login ? 'EDS_CHALLENGE_EXPIRED' : 'EDS_REQUEST_EXPIRED');

    const expectedIin = request.payload._actorIin;
    const verified = await verifySignedXml(input.signedXml, {
      trust: this.trust,
      expect: request.key_type,
      subject: input.signer,
      ...(expectedIin ? { allowedIins: [expectedIin] } : {}),
      issuedXml: request.xml,
      now,
    });
    // an employee signs for the organisation named on the request (OU=BIN…)
    if (request.payload._bin && verified.cert.bin !== request.payload._bin)
      throw new EdsError('EDS_NOT_EMPLOYEE');
    return { request, cert: verified.cert, signedXml: input.signedXml, verifiedAt: now };
  }

  /**
   * Marks the request used (exactly once, also under races) and stores the signed document verbatim,
   * in one statement: the insert reads the id from the conditional update, so a request already used
   * (or expired meanwhile) inserts nothing and is refused.
   */
  async consume(tx: Knex.Transaction | PreparedTx, v: VerifiedSignature): Promise<number> {
    const rows = await runPrepared<{ id: number }>(tx, CONSUME, [
      v.verifiedAt,
      v.request.id,
      v.request.kind,
      v.request.purpose,
      v.request.actor_id,
      v.request.principal_id,
      v.cert.iin,
      v.cert.bin ?? null,
      v.cert.commonName,
      v.cert.serialHex,
      v.cert.issuerDn,
      v.cert.subjectDn,
      v.cert.notBefore,
      v.cert.notAfter,
      v.cert.fingerprint256,
      v.request.object_type,
      v.request.object_id,
      v.signedXml,
      sha256(v.signedXml),
      JSON.stringify({
        ok: true,
        at: v.verifiedAt.toISOString(),
        keyType: v.cert.keyType,
        subjectKind: v.cert.subjectKind,
        chain: 'trusted',
        revocation: 'good',
      }),
    ]);
    const row = rows[0];
    if (!row) throw new EdsError(v.request.purpose === 'login' ? 'EDS_CHALLENGE_USED' : 'EDS_REQUEST_USED');
    return row.id;
  }

  /**
   * Verify outside the transaction, then run the state change and the evidence in one transaction.
   * A controller's signed step is: `await signing.apply({...}, async (tx, doc) => service.change(tx, ...))`.
   */
  async apply<T>(input: ApplyInput, fn: (tx: Knex.Transaction, doc: ConsumedDoc) => Promise<T>): Promise<T> {
    const v = await this.verify(input);
    return inTransaction(this.db, async (tx) => fn(tx, await this.consumed(tx, v)));
  }

  /**
   * apply() for a change whose statements are all prepared: its transaction is a PreparedTx, a
   * pooled connection between BEGIN and COMMIT, with no knex transaction built for it.
   */
  async applyPrepared<T>(
    input: ApplyInput,
    fn: (tx: PreparedTx, doc: ConsumedDoc) => Promise<T>,
  ): Promise<T> {
    const v = await this.verify(input);
    return inPreparedTransaction(this.db, async (tx) => fn(tx, await this.consumed(tx, v)));
  }

  private async consumed(tx: Knex.Transaction | PreparedTx, v: VerifiedSignature): Promise<ConsumedDoc> {
    return { id: await this.consume(tx, v), request: v.request, cert: v.cert };
  }

  /** Server half of the browser signer: the canonical SignedInfo to sign and the template to fill. */
  async prepare(signRequestId: string, actorId: number | null, certPem: string) {
    const request = await this.findRequest(signRequestId);
    if (!request || request.actor_id !== actorId || request.consumed_at) throw new NotFoundError();
    if (new Date(request.expires_at).getTime() <= this.clock.now().getTime())
      throw new EdsError('EDS_REQUEST_EXPIRED');
    if (certPem.length > 20_000) throw new AppError('bad_request', 400);
    return prepareSignature(request.xml, certPem);
  }

  async document(id: number, db: Knex | Knex.Transaction = this.db) {
    return (await db('signed_documents').where({ id }).first()) as SignedDocumentRow | undefined;
  }

  /** Re-verifies a stored document now (chain, revocation and validity as of now) and records the result. */
  async reverify(id: number, requestedBy: number | null) {
    const doc = await this.document(id);
    if (!doc) throw new NotFoundError();
    const result = await this.checkStored(doc);
    await this.db('reverifications').insert({
      signed_document_id: id,
      requested_by: requestedBy,
      ok: result.ok,
      result: JSON.stringify(result),
      at: new Date(result.at),
    });
    return result;
  }

  /**
   * Verifies a stored signed document now, as the administrator's re-verification does, without
   * recording anything: the signature, chain, revocation and validity as of now, and that what was
   * signed is the document the portal issued. `code` is an EDS error code when it fails.
   */
  async checkStored(
    doc: Pick<SignedDocumentRow, 'signed_xml' | 'purpose' | 'sign_request_id'>,
  ): Promise<{ ok: boolean; code?: string; at: string }> {
    const now = this.clock.now();
    let result: { ok: boolean; code?: string; at: string };
    try {
      const v = await verifySignedXml(doc.signed_xml, {
        trust: this.trust,
        expect: doc.purpose === 'login' ? 'AUTH' : 'SIGN',
        subject: 'any',
        now,
      });
      const request = await this.findRequest(doc.sign_request_id);
      const same = request ? sameDocument(request.xml, v.signedContent) : false;
      result = same
        ? { ok: true, at: now.toISOString() }
        : { ok: false, code: 'EDS_DOCUMENT_MISMATCH', at: now.toISOString() };
    } catch (err) {
      result = { ok: false, code: err instanceof EdsError ? err.code : 'internal', at: now.toISOString() };
    }
    return result;
  }
}

export interface SignedDocumentRow {
  id: number;
  sign_request_id: string;
  kind: string;
  purpose: string;
  signer_id: number | null;
  principal_id: number | null;
  signer_iin: string;
  signer_bin: string | null;
  signer_name: string;
  cert_serial: string;
  cert_issuer: string;
  cert_subject: string;
  cert_not_before: Date;
  cert_not_after: Date;
  cert_fingerprint: string;
  object_type: string | null;
  object_id: string | null;
  signed_xml: string;
  signed_xml_sha256: string;
  verification: Record<string, unknown>;
  signed_at: Date;
  /** the short code printed on PDFs, opening the public page `/verify/{code}` */
  verification_code: string;
}
