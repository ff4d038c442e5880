import type { Knex } from 'knex';
import { NotFoundError } from '../../lib/errors.js';
import type { SessionAuth } from '../../web/auth-context.js';
import { fullName, type PeopleRepository } from '../people/people-repository.js';
import type { SignedDocumentRow } from './signing-service.js';

/** Who may open a signed document: its signer, the person it was signed for, an administrator. */
export class EvidenceService {
  constructor(
    private readonly db: Knex,
    private readonly people: PeopleRepository,
  ) {}

  private visibleTo(auth: SessionAuth) {
    return (q: Knex.QueryBuilder) => {
      if (auth.roles.includes('admin')) return;
      q.where((w) => {
        w.where('signer_id', auth.personId)
          .orWhere('principal_id', auth.principalId)
          .orWhere('principal_id', auth.personId);
      });
    };
  }

  async listFor(auth: SessionAuth): Promise<SignedDocumentRow[]> {
    // one's own list: what one signed and what was signed for one (administrators open others' by number)
    const q = this.db('signed_documents')
      .where((w) =>
        w.where('signer_id', auth.personId).orWhereIn('principal_id', [auth.personId, auth.principalId]),
      )
      .orderBy('id', 'desc')
      .limit(200);
    return (await q.select('id', 'purpose', 'kind', 'signer_name', 'signed_at')) as SignedDocumentRow[];
  }

  async show(auth: SessionAuth, id: number) {
    const q = this.db('signed_documents').where({ id }).first();
    this.visibleTo(auth)(q);
    const doc = (await q) as SignedDocumentRow | undefined;
    if (!doc) throw new NotFoundError();
    const principal =
      doc.principal_id && doc.principal_id !== doc.signer_id
        ? await this.people.findById(this.db, doc.principal_id)
        : undefined;
    const reverifications = await this.db('reverifications')
      .where({ signed_document_id: id })
      .orderBy('id', 'desc');
    return { doc, principalName: principal ? fullName(principal) : null, reverifications };
  }
}
