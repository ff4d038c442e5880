import type { Knex } from 'knex';
import type { DocMime, DocType } from './rules.js';

type Db = Knex | Knex.Transaction;

export interface OrganisationDocumentRow {
  id: number;
  organisation_id: number;
  goods_id: number | null;
  doc_type: DocType;
  title: string;
  number: string;
  issued_by: string;
  valid_from: string;
  valid_until: string | null;
  stored_name: string;
  content_type: DocMime;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: Date;
}

/** A document as lists show it: with the article it belongs to, if any. */
export interface DocumentListRow extends OrganisationDocumentRow {
  goods_name: string | null;
}

/** A person who works for the organisation, as its card shows them. */
export interface OrganisationPersonRow {
  person_id: number;
  name: string;
  role: 'employee' | 'specialist';
  /** a specialist's kinds in the registry (active entries only) */
  kinds: string[];
}

const FULL = (alias: string) => `concat_ws(' ', ${alias}.surname, ${alias}.name, ${alias}.patronymic)`;

/** The organisation's documents and the people its card names. */
export class OfferRepository {
  async insertDocument(
    tx: Knex.Transaction,
    d: Omit<OrganisationDocumentRow, 'id' | 'created_at'> & { created_at: Date },
  ): Promise<OrganisationDocumentRow> {
    const [row] = (await tx('organisation_documents').insert(d).returning('*')) as OrganisationDocumentRow[];
    return row!;
  }

  async documents(db: Db, organisationIds: readonly number[]): Promise<DocumentListRow[]> {
    if (organisationIds.length === 0) return [];
    return (await db('organisation_documents as d')
      .leftJoin('goods as g', 'g.id', 'd.goods_id')
      .whereIn('d.organisation_id', organisationIds)
      .orderBy([
        { column: 'd.organisation_id' },
        { column: 'd.doc_type' },
        { column: 'd.valid_from', order: 'desc' },
        { column: 'd.id' },
      ])
      .select('d.*', 'g.name as goods_name')) as DocumentListRow[];
  }

  /** The documents shown beside an article: its own and the organisation's general ones. */
  async documentsOfGoods(db: Db, organisationId: number, goodsId: number): Promise<DocumentListRow[]> {
    const all = await this.documents(db, [organisationId]);
    return all.filter((d) => d.goods_id === null || d.goods_id === goodsId);
  }

  async document(db: Db, id: number): Promise<OrganisationDocumentRow | undefined> {
    return (await db('organisation_documents').where({ id }).first()) as OrganisationDocumentRow | undefined;
  }

  async countDocuments(db: Db, organisationId: number): Promise<number> {
    const [{ n }] = (await db('organisation_documents')
      .where({ organisation_id: organisationId })
      .count<{ n: number }[]>('* as n')) as [{ n: number }];
    return Number(n);
  }

  async deleteDocument(
    tx: Knex.Transaction,
    organisationId: number,
    id: number,
  ): Promise<OrganisationDocumentRow | undefined> {
    const [row] = (await tx('organisation_documents')
      .where({ id, organisation_id: organisationId })
      .delete()
      .returning('*')) as OrganisationDocumentRow[];
    return row;
  }

  /** Locks the organisation's row: uploads of one organisation count their documents one at a time. */
  async lockOrganisation(tx: Knex.Transaction, id: number): Promise<void> {
    await tx('organisations').where({ id }).forUpdate().first('id');
  }

  async goodsOf(db: Db, organisationId: number): Promise<{ id: number; name: string }[]> {
    return (await db('goods')
      .where({ organisation_id: organisationId })
      .orderBy('name')
      .select('id', 'name')) as { id: number; name: string }[];
  }

  /**
   * The people of the organisation's card: its employees, and its specialists (a person_roles row
   * 'specialist' for the organisation with an active entry in the specialists' registry).
   */
  async people(db: Db, organisationId: number): Promise<OrganisationPersonRow[]> {
    const rows = (await db('person_roles as pr')
      .join('persons as p', 'p.id', 'pr.person_id')
      .where('pr.organisation_id', organisationId)
      .whereIn('pr.role', ['employee', 'specialist'])
      .select(
        'pr.person_id',
        'pr.role',
        db.raw(`${FULL('p')} as name`),
        db.raw(
          `coalesce((select array_agg(s.kind order by s.kind) from specialists s where s.person_id = pr.person_id and s.status = 'active'), '{}') as kinds`,
        ),
      )
      .orderBy(['pr.role', 'p.surname', 'p.name'])) as OrganisationPersonRow[];
    return rows.filter((r) => r.role === 'employee' || r.kinds.length > 0);
  }
}
