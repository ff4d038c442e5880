import { fileTypeFromFile } from 'file-type';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import { DIRECTIONS } from '../directory/lists.js';
import { DocumentStore } from './document-store.js';
import type { DocumentListRow, OfferRepository } from './repository.js';
import {
  DOCS_PER_ORGANISATION,
  DOC_MAX_BYTES,
  DOC_TYPES,
  checkDocumentFile,
  documentValidOn,
} from './rules.js';
import type { DocumentFormInput } from './schemas.js';

/** A document as pages show it (camelCase), with whether it is valid today. */
export function documentView(d: DocumentListRow, today: string) {
  return {
    id: d.id,
    organisationId: d.organisation_id,
    goodsId: d.goods_id,
    goodsName: d.goods_name,
    docType: d.doc_type,
    title: d.title,
    number: d.number,
    issuedBy: d.issued_by,
    validFrom: d.valid_from,
    validUntil: d.valid_until,
    contentType: d.content_type,
    sizeBytes: d.size_bytes,
    valid: documentValidOn(d, today),
  };
}
export type DocumentView = ReturnType<typeof documentView>;

/**
 * The organisation's own offer (rules item 13): its documents (licences, certificates, attestations),
 * uploaded by its employees and shown to recipients on its card and beside its articles, and the people
 * involved in it (its employees and specialists).
 */
export class OfferService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: OfferRepository,
    private readonly store: DocumentStore,
  ) {}

  private today(): string {
    return astanaDate(this.core.clock.now());
  }

  /** The employee's organisation; anyone else finds nothing. */
  private async organisationOf(actor: Actor) {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.core.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    return org;
  }

  /** «Документы организации» in the cabinet: the list, the form's choices and the people. */
  async documents(actor: Actor) {
    const org = await this.organisationOf(actor);
    const [docs, goods, people] = await Promise.all([
      this.repo.documents(this.core.db, [org.id]),
      this.repo.goodsOf(this.core.db, org.id),
      this.repo.people(this.core.db, org.id),
    ]);
    const today = this.today();
    return {
      org: { id: org.id, name: org.name },
      documents: docs.map((d) => documentView(d, today)),
      goods,
      people: people.map((p) => ({ personId: p.person_id, name: p.name, role: p.role, kinds: p.kinds })),
      docTypes: DOC_TYPES,
      maxMb: DOC_MAX_BYTES / 1024 / 1024,
    };
  }

  /**
   * A new document: the type is read from the content (PDF, JPEG or PNG; a file renamed to .pdf is
   * refused), at most 10 MB. The file is kept only once every check passed, and removed again if the
   * row is not stored. Audited with the organisation.
   */
  async upload(actor: Actor, input: DocumentFormInput, file: UploadedFile | undefined) {
    const org = await this.organisationOf(actor);
    if (!file) throw new ValidationError({ file: 'offer:errors.fileRequired' });
    if (input.goodsId !== undefined) {
      const own = await this.repo.goodsOf(this.core.db, org.id);
      if (!own.some((g) => g.id === input.goodsId))
        throw new ValidationError({ goodsId: 'offer:errors.goods' });
    }
    const detected =
      file.path && file.size > 0 && file.size <= DOC_MAX_BYTES
        ? await fileTypeFromFile(file.path)
        : undefined;
    const verdict = checkDocumentFile(file.size, detected?.mime);
    if (!verdict.ok) throw new ValidationError({ file: `offer:errors.${verdict.code}` });
    // the file is written in the transaction of its row: both are stored, or neither
    return inTransaction(this.core.db, async (tx) => {
      await this.repo.lockOrganisation(tx, org.id);
      if ((await this.repo.countDocuments(tx, org.id)) >= DOCS_PER_ORGANISATION)
        throw new ValidationError({ file: 'offer:errors.tooManyDocuments' });
      const stored = await this.store.save(file, verdict.mime, tx);
      const d = await this.repo.insertDocument(tx, {
        organisation_id: org.id,
        goods_id: input.goodsId ?? null,
        doc_type: input.docType,
        title: input.title,
        number: input.number,
        issued_by: input.issuedBy,
        valid_from: input.validFrom,
        valid_until: input.validUntil ?? null,
        stored_name: stored,
        content_type: verdict.mime,
        size_bytes: file.size,
        sha256: file.sha256,
        uploaded_by: actor.personId,
        created_at: this.core.clock.now(),
      });
      await audit(tx, {
        actorId: actor.personId,
        organisationId: org.id,
        action: 'offer.document_added',
        objectType: 'organisation_document',
        objectId: d.id,
        details: { docType: d.doc_type, number: d.number, contentType: d.content_type, sha256: d.sha256 },
      });
      return d;
    });
  }

  /** Removes a document of the actor's organisation (another organisation's answers 404); audited. */
  async remove(actor: Actor, id: number): Promise<void> {
    const org = await this.organisationOf(actor);
    await inTransaction(this.core.db, async (tx) => {
      const d = await this.repo.deleteDocument(tx, org.id, id);
      if (!d) throw new NotFoundError();
      await this.store.remove(d.stored_name, tx);
      await audit(tx, {
        actorId: actor.personId,
        organisationId: org.id,
        action: 'offer.document_removed',
        objectType: 'organisation_document',
        objectId: d.id,
        details: { docType: d.doc_type, number: d.number, sha256: d.sha256 },
      });
    });
  }

  /**
   * «Карточка организации» as recipients see it: the directions open to it, contacts, its documents
   * and the people involved. An inactive or unknown organisation answers 404.
   */
  async publicCard(organisationId: number) {
    const org = await this.core.people.organisationById(this.core.db, organisationId);
    if (!org || !org.active) throw new NotFoundError();
    const [docs, people] = await Promise.all([
      this.repo.documents(this.core.db, [org.id]),
      this.repo.people(this.core.db, org.id),
    ]);
    const today = this.today();
    return {
      org: {
        id: org.id,
        name: org.name,
        bin: org.bin,
        head: org.head,
        address: org.address,
        phone: org.phone,
        directions: DIRECTIONS.filter((d) => org.directions.includes(d)),
      },
      documents: docs.map((d) => documentView(d, today)),
      employees: people.filter((p) => p.role === 'employee').map((p) => ({ name: p.name })),
      specialists: people
        .filter((p) => p.role === 'specialist')
        .map((p) => ({ name: p.name, kinds: p.kinds })),
    };
  }

  /** Documents of several organisations (the recipients' choice lists), by organisation. */
  async documentsOf(organisationIds: readonly number[]): Promise<Map<number, DocumentView[]>> {
    const today = this.today();
    const map = new Map<number, DocumentView[]>();
    for (const d of await this.repo.documents(this.core.db, organisationIds)) {
      const list = map.get(d.organisation_id) ?? [];
      list.push(documentView(d, today));
      map.set(d.organisation_id, list);
    }
    return map;
  }

  /** The documents shown beside an article: its own and the organisation's general ones. */
  async documentsOfGoods(organisationId: number, goodsId: number): Promise<DocumentView[]> {
    const today = this.today();
    return (await this.repo.documentsOfGoods(this.core.db, organisationId, goodsId)).map((d) =>
      documentView(d, today),
    );
  }

  /** A document's file for download, by its organisation (a mismatched pair answers 404). */
  async documentFile(organisationId: number, id: number) {
    const d = await this.repo.document(this.core.db, id);
    if (!d || d.organisation_id !== organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.core.db, organisationId);
    if (!org || !org.active) throw new NotFoundError();
    const file = await this.store.open(d.stored_name);
    if (!file) throw new NotFoundError();
    return {
      file,
      contentType: d.content_type,
      fileName: DocumentStore.downloadName(d),
    };
  }
}
