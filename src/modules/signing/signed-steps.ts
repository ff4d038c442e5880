/**
 * The one signed-step path of every order kind: issue a document for the acting person (and the ward
 * a guardian acts for, or the organisation an employee acts for) about one object; later verify the
 * signed copy outside any lock, then consume it and apply the change in one transaction. A signed
 * document is accepted only for the purpose, actor, principal and object it was issued for.
 */
import type { Knex } from 'knex';
import { NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import type { CertInfo, FieldValue } from '../../eds/index.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { PreparedTx } from '../../db/prepared.js';
import type { ApplyInput, IssuedSignRequest, SignRequestRow, SigningService } from './signing-service.js';
import type { StepDocument } from '../orders/state-machine.js';

/** What a signed form posts back (the signing contract of eds.md). */
export interface SignedInput {
  signRequestId: string;
  signedXml: string;
}

/** The stored evidence a signed change is applied with. */
export interface SignedDoc {
  id: number;
  request: SignRequestRow;
  cert: CertInfo;
}

/** The record a document is about. */
export interface SignedObject {
  type: string;
  /** a record's id, or a word for a record not yet created (e.g. 'new') */
  id: number | string;
  version?: number;
}

/** An entrepreneur's organisation acted for by the entrepreneur: its БИН is their ИИН. */
function isOwnEntrepreneur(org: { kind?: string; bin: string }, iin: string): boolean {
  return org.kind === 'entrepreneur' && org.bin === iin;
}

export class SignedSteps {
  constructor(
    private readonly db: Knex,
    private readonly people: PeopleRepository,
    private readonly signing: SigningService,
  ) {}

  async issue(
    actor: Actor,
    step: StepDocument,
    object: SignedObject,
    payload: Record<string, FieldValue>,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<IssuedSignRequest> {
    const { people } = this;
    const person = await people.findById(db, actor.personId);
    if (!person) throw new NotFoundError();
    let organisationBin: string | undefined;
    let signer = step.signer;
    if (step.signer === 'employee') {
      const org = actor.organisationId ? await people.organisationById(db, actor.organisationId) : undefined;
      if (!org) throw new NotFoundError();
      // an individual entrepreneur is the organisation: they sign with their personal key
      if (isOwnEntrepreneur(org, person.iin)) signer = 'individual';
      else organisationBin = org.bin;
    }
    const principal =
      step.signer === 'individual' && actor.principalId !== actor.personId
        ? await people.findById(db, actor.principalId)
        : person;
    if (!principal) throw new NotFoundError();
    return this.signing.issue(
      {
        kind: step.kind,
        purpose: step.purpose,
        keyType: 'SIGN',
        actor: { personId: person.id, iin: person.iin, ...(organisationBin ? { organisationBin } : {}) },
        principal: signer === 'individual' ? { personId: principal.id, iin: principal.iin } : null,
        object,
        payload,
      },
      db,
    );
  }

  /** Verifies (before the transaction), then runs the change with the stored evidence in one transaction. */
  apply<T>(
    actor: Actor,
    step: Pick<StepDocument, 'purpose' | 'signer'>,
    object: Pick<SignedObject, 'type' | 'id'>,
    input: SignedInput,
    fn: (tx: Knex.Transaction, doc: SignedDoc) => Promise<T>,
    /** the sign request, when the caller read it with its own pre-check (`signRequestJoin`) */
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T> {
    return this.run((i, f) => this.signing.apply(i, f), actor, step, object, input, fn, prefetched);
  }

  /** apply() for a change made of prepared statements only: in a PreparedTx, no knex transaction. */
  applyPrepared<T>(
    actor: Actor,
    step: Pick<StepDocument, 'purpose' | 'signer'>,
    object: Pick<SignedObject, 'type' | 'id'>,
    input: SignedInput,
    fn: (tx: PreparedTx, doc: SignedDoc) => Promise<T>,
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T> {
    return this.run((i, f) => this.signing.applyPrepared(i, f), actor, step, object, input, fn, prefetched);
  }

  private async run<Tx, T>(
    applyIn: (input: ApplyInput, fn: (tx: Tx, doc: SignedDoc) => Promise<T>) => Promise<T>,
    actor: Actor,
    step: Pick<StepDocument, 'purpose' | 'signer'>,
    object: Pick<SignedObject, 'type' | 'id'>,
    input: SignedInput,
    fn: (tx: Tx, doc: SignedDoc) => Promise<T>,
    prefetched?: { request: SignRequestRow | null },
  ): Promise<T> {
    let signer = step.signer;
    if (step.signer === 'employee' && actor.organisationId) {
      const [org, person] = await Promise.all([
        this.people.organisationById(this.db, actor.organisationId),
        this.people.findById(this.db, actor.personId),
      ]);
      if (org && person && isOwnEntrepreneur(org, person.iin)) signer = 'individual';
    }
    return applyIn(
      {
        signRequestId: input.signRequestId,
        signedXml: input.signedXml,
        purpose: step.purpose,
        actorId: actor.personId,
        signer,
        ...(prefetched ? { request: prefetched.request } : {}),
      },
      async (tx, doc) => {
        const r = doc.request;
        if (r.object_type !== object.type || r.object_id !== String(object.id)) throw new NotFoundError();
        // a guardian who switched to another ward after the document was issued signs for nobody
        if (step.signer === 'individual' && r.principal_id !== actor.principalId) throw new NotFoundError();
        return fn(tx, doc);
      },
    );
  }
}
