import type { Knex } from 'knex';
import { NotFoundError } from '../../lib/errors.js';
import type { SessionAuth } from '../../lib/actor.js';
import { type PeopleRepository } from '../people/people-repository.js';
import { fullName } from '../people/names.js';
import type { SignedDocumentRow } from './signing-service.js';
import { DEFAULT_LOCALE, type Locale } from '../../lib/i18n.js';

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

  async show(auth: SessionAuth, id: number, lang: Locale = DEFAULT_LOCALE) {
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
    return {
      doc,
      principalName: principal ? fullName(principal) : null,
      object: await this.describeObject(doc.object_type, doc.object_id, lang),
      reverifications,
    };
  }

  /**
   * What a document was signed about, in words for the page: a locale key under `eds:object.*` and its
   * values (the department and institution, the order's number, the act's month …); null when unknown.
   */
  async describeObject(
    type: string | null,
    rawId: string | number | null,
    lang: Locale = DEFAULT_LOCALE,
  ): Promise<{ key: string; params: Record<string, unknown> } | null> {
    if (!type) return null;
    const id = Number(rawId);
    const known = Number.isInteger(id) && id > 0;
    const order = async () =>
      known
        ? ((await this.db('orders').where({ id }).first('number')) as { number: string } | undefined)
        : undefined;
    switch (type) {
      case 'msu-department': {
        const d = known
          ? ((await this.db('msu_departments as d')
              .join('msu_institutions as i', 'i.id', 'd.institution_id')
              .where('d.id', id)
              .first('d.name as department', 'i.name as institution')) as
              { department: Record<string, string>; institution: string } | undefined)
          : undefined;
        return d
          ? {
              key: 'eds:object.msu-department',
              params: { department: d.department[lang] ?? d.department.ru ?? '', institution: d.institution },
            }
          : null;
      }
      case 'msu-order':
      case 'goods-order':
      case 'service-order': {
        const o = await order();
        if (o) return { key: `eds:object.${type}`, params: { number: o.number } };
        return type === 'service-order' ? { key: 'eds:object.newServiceOrder', params: {} } : null;
      }
      case 'goods': {
        const g = known
          ? ((await this.db('goods').where({ id }).first('name')) as { name: string } | undefined)
          : undefined;
        return g ? { key: 'eds:object.goods', params: { name: g.name } } : null;
      }
      case 'service-act': {
        const a = known
          ? ((await this.db('service_acts as a')
              .join('orders as o', 'o.id', 'a.order_id')
              .where('a.id', id)
              .first('a.period', 'o.number')) as { period: string; number: string } | undefined)
          : undefined;
        return a ? { key: 'eds:object.service-act', params: a } : null;
      }
      case 'person':
      case 'specialist-registry': {
        const p = known ? await this.people.findById(this.db, id) : undefined;
        return p ? { key: `eds:object.${type}`, params: { name: fullName(p) } } : null;
      }
      case 'portal':
        return { key: 'eds:object.portal', params: {} };
      default:
        return null;
    }
  }
}
