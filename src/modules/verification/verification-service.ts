/**
 * The public verification of a signed document by its code (`/verify/{code}`): what was signed (the
 * purpose and the object in words), when, by whom (masked: surname and initials, the IIN with its
 * middle hidden; the organisation and its BIN for an employee's signature), and the result of
 * verifying the stored signed XML now with the server's verifier. Nothing of the document's content
 * beyond that; nothing is written.
 */
import type { CoreServices } from '../index.js';
import { DEFAULT_LOCALE, type Locale } from '../../lib/i18n.js';
import { maskIin } from '../../lib/iin.js';
import { maskedCommonName, maskedSignerName, normaliseCode } from './codes.js';
import type { VerificationRepository } from './repository.js';

export interface VerificationResult {
  code: string;
  /** the signing purpose (a key under `eds:purpose.*`) and what it was about (`eds:object.*`) */
  purpose: string;
  object: { key: string; params: Record<string, unknown> } | null;
  signedAt: Date;
  signer: { name: string; iin: string };
  /** the organisation an employee signed for (legal-entity signatures) */
  organisation: { name: string; bin: string } | null;
  /** a guardian or an employee signed for this person (masked) */
  onBehalfOf: string | null;
  /** the signature checked now: valid, or the EDS error code why not (`errors:<code>`) */
  check: { ok: boolean; code: string | null; at: Date };
}

export class VerificationService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: VerificationRepository,
  ) {}

  /** The code as stored, or null when what was typed cannot be a code (the page says so). */
  normalise(input: unknown): string | null {
    return normaliseCode(input);
  }

  /** The document behind a code and its check now; undefined when no document has this code. */
  async byCode(input: string, lang: Locale = DEFAULT_LOCALE): Promise<VerificationResult | undefined> {
    const code = normaliseCode(input);
    if (!code) return undefined;
    const { db } = this.core;
    const doc = await this.repo.documentByCode(db, code);
    if (!doc) return undefined;
    const [signerPerson, principal, org, object, check] = await Promise.all([
      doc.signer_id ? this.repo.personName(db, doc.signer_id) : Promise.resolve(undefined),
      doc.principal_id && doc.principal_id !== doc.signer_id
        ? this.repo.personName(db, doc.principal_id)
        : Promise.resolve(undefined),
      doc.signer_bin ? this.repo.organisationByBin(db, doc.signer_bin) : Promise.resolve(undefined),
      this.describe(doc.object_type, doc.object_id, lang),
      this.core.signing.checkStored(doc),
    ]);
    return {
      code,
      purpose: doc.purpose,
      object,
      signedAt: doc.signed_at,
      signer: {
        name: signerPerson ? maskedSignerName(signerPerson) : maskedCommonName(doc.signer_name),
        iin: maskIin(doc.signer_iin),
      },
      organisation: doc.signer_bin ? { name: org?.name ?? '', bin: doc.signer_bin } : null,
      onBehalfOf: principal ? maskedSignerName(principal) : null,
      check: { ok: check.ok, code: check.ok ? null : (check.code ?? 'internal'), at: new Date(check.at) },
    };
  }

  /** What the document was about, in words; a person it names is masked as the signer is. */
  private async describe(type: string | null, id: string | null, lang: Locale) {
    const object = await this.core.evidence.describeObject(type, id, lang);
    if (object && (type === 'person' || type === 'specialist-registry')) {
      const person = await this.repo.personName(this.core.db, Number(id));
      return { ...object, params: { ...object.params, name: person ? maskedSignerName(person) : '' } };
    }
    return object;
  }
}
