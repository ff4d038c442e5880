import type { Knex } from 'knex';
import { audit } from '../audit/audit.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { SessionAuth } from '../../lib/actor.js';
import type { IssuedSignRequest, SigningService } from './signing-service.js';

/**
 * «Проверка ЭЦП»: the person signs a harmless statement with the SIGN key; the server verifies it
 * the same way as every order and keeps it as evidence. A key problem shows up here, not mid-order.
 */
export class SignatureCheckService {
  constructor(
    private readonly db: Knex,
    private readonly signing: SigningService,
    private readonly people: PeopleRepository,
  ) {}

  async issue(auth: SessionAuth, statement: string): Promise<IssuedSignRequest> {
    const actor = await this.people.findById(this.db, auth.personId);
    const org = auth.organisationId
      ? await this.people.organisationById(this.db, auth.organisationId)
      : undefined;
    return this.signing.issue({
      kind: 'confirmation',
      purpose: 'eds-check',
      keyType: 'SIGN',
      actor: { personId: auth.personId, iin: actor!.iin, ...(org ? { organisationBin: org.bin } : {}) },
      object: { type: 'person', id: auth.personId, version: 0 },
      payload: { statement },
    });
  }

  async complete(auth: SessionAuth, signRequestId: string, signedXml: string): Promise<number> {
    return this.signing.apply(
      {
        signRequestId,
        signedXml,
        purpose: 'eds-check',
        actorId: auth.personId,
        signer: auth.organisationId ? 'employee' : 'individual',
      },
      async (tx, doc) => {
        await audit(tx, {
          actorId: auth.personId,
          principalId: auth.personId,
          action: 'eds.check',
          objectType: 'person',
          objectId: auth.personId,
          signedDocumentId: doc.id,
        });
        return doc.id;
      },
    );
  }
}
