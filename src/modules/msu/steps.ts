import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import type { DocumentKind } from '../../eds/index.js';
import type { IssuedSignRequest, SignRequestRow, SignerKind } from '../signing/signing-service.js';
import type { CertInfo, FieldValue } from '../../eds/index.js';

export type MsuPurpose =
  | 'msu.enrol'
  | 'msu.queue'
  | 'msu.cancel_queue'
  | 'msu.accept_offer'
  | 'msu.decline_offer'
  | 'msu.cancel_enrolment'
  | 'msu.arrive'
  | 'msu.no_show'
  | 'msu.discharge'
  | 'msu.beds';

/** What a signed form posts back (the signing contract of eds.md). */
export interface SignedInput {
  signRequestId: string;
  signedXml: string;
}

export interface SignedDoc {
  id: number;
  request: SignRequestRow;
  cert: CertInfo;
}

/**
 * The МСУ side of the one signing path: documents are issued for the acting person (and the ward a
 * guardian acts for, or the organisation an employee acts for) about one object; a signed document is
 * accepted only for the same purpose, actor, principal and object, inside the transaction of its change.
 */
export class MsuSigning {
  constructor(private readonly core: CoreServices) {}

  async issue(
    actor: Actor,
    signer: SignerKind,
    kind: DocumentKind,
    purpose: MsuPurpose,
    object: { type: string; id: number; version?: number },
    payload: Record<string, FieldValue>,
  ): Promise<IssuedSignRequest> {
    const { db, people } = this.core;
    const person = await people.findById(db, actor.personId);
    if (!person) throw new NotFoundError();
    let organisationBin: string | undefined;
    if (signer === 'employee') {
      const org = actor.organisationId ? await people.organisationById(db, actor.organisationId) : undefined;
      if (!org) throw new NotFoundError();
      organisationBin = org.bin;
    }
    const principal =
      signer === 'individual' && actor.principalId !== actor.personId
        ? await people.findById(db, actor.principalId)
        : person;
    if (!principal) throw new NotFoundError();
    return this.core.signing.issue({
      kind,
      purpose,
      keyType: 'SIGN',
      actor: { personId: person.id, iin: person.iin, ...(organisationBin ? { organisationBin } : {}) },
      principal: signer === 'individual' ? { personId: principal.id, iin: principal.iin } : null,
      object,
      payload,
    });
  }

  /** Verifies (before the transaction), then runs the change with the stored evidence in one transaction. */
  apply<T>(
    actor: Actor,
    signer: SignerKind,
    purpose: MsuPurpose,
    object: { type: string; id: number },
    input: SignedInput,
    fn: (tx: Knex.Transaction, doc: SignedDoc) => Promise<T>,
  ): Promise<T> {
    return this.core.signing.apply(
      {
        signRequestId: input.signRequestId,
        signedXml: input.signedXml,
        purpose,
        actorId: actor.personId,
        signer,
      },
      async (tx, doc) => {
        const r = doc.request;
        if (r.object_type !== object.type || r.object_id !== String(object.id)) throw new NotFoundError();
        // a guardian who switched to another ward after the document was issued signs for nobody
        if (signer === 'individual' && r.principal_id !== actor.principalId) throw new NotFoundError();
        return fn(tx, doc);
      },
    );
  }
}
