import type { Knex } from 'knex';
import { likePattern, withoutWildcards } from './search.js';

type Db = Knex | Knex.Transaction;

export const AUDIT_SOURCES = ['audit', 'order', 'signature'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

export interface AuditFilter {
  /** Astana calendar dates, inclusive */
  from?: string;
  to?: string;
  /** the start of an action name, e.g. "role." or "signed.login" */
  action?: string;
  objectType?: string;
  objectId?: string;
  /** the actor's surname/name (part) or IIN (start) */
  actor?: string;
  source?: AuditSource | '';
}

export interface AuditRow {
  source: AuditSource;
  id: number;
  at: Date;
  actor_id: number | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  signed_document_id: number | null;
  details: string;
}

const ACTOR_NAME = `concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`;

/** The audit log, the order events and the signed documents read as one journal. */
export class AuditLogRepository {
  private query(db: Db, f: AuditFilter) {
    const union = db.raw(`(
      select 'audit' as source, a.id, a.at, a.actor_id, a.action, a.object_type, a.object_id, a.signed_document_id,
             a.details::text as details
        from audit_log a
      union all
      select 'order', e.id, e.at, e.actor_id, 'order.' || e.action, 'order', e.order_id::text, e.signed_document_id,
             json_build_object('from', e.from_status, 'to', e.to_status, 'reason', e.reason)::text
        from order_events e
      union all
      select 'signature', d.id, d.signed_at,
             -- a login is signed before anybody is known: the signer is the certificate's IIN
             coalesce(d.signer_id, (select sp.id from persons sp where sp.iin = d.signer_iin)), 'signed.' || d.purpose, d.object_type, d.object_id, d.id,
             json_build_object('kind', d.kind, 'signer', d.signer_name, 'certSerial', d.cert_serial)::text
        from signed_documents d
    ) as u`);
    const q = db.from(union).leftJoin('persons as p', 'p.id', 'u.actor_id');
    if (f.source) q.where('u.source', f.source);
    if (f.from) q.whereRaw(`u.at >= (?::date)::timestamp at time zone 'Asia/Almaty'`, [f.from]);
    if (f.to) q.whereRaw(`u.at < (?::date + 1)::timestamp at time zone 'Asia/Almaty'`, [f.to]);
    if (f.action) q.where('u.action', 'like', `${withoutWildcards(f.action)}%`);
    if (f.objectType) q.where('u.object_type', f.objectType);
    if (f.objectId) q.where('u.object_id', f.objectId);
    const actor = f.actor?.trim();
    if (actor && /^\d{1,12}$/.test(actor)) q.where('p.iin', 'like', `${actor}%`);
    else if (actor) {
      const like = likePattern(actor);
      q.where((w) => w.whereILike('p.surname', like).orWhereILike('p.name', like));
    }
    return q;
  }

  async page(
    db: Db,
    f: AuditFilter,
    limit: number,
    offset: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const q = this.query(db, f);
    const [{ count }] = (await q.clone().count<{ count: number }[]>('* as count')) as [{ count: number }];
    const rows = (await q
      .clone()
      .select('u.*', db.raw(ACTOR_NAME))
      .orderBy([{ column: 'u.at', order: 'desc' }, { column: 'u.source' }, { column: 'u.id', order: 'desc' }])
      .limit(limit)
      .offset(offset)) as AuditRow[];
    return { rows, total: Number(count) };
  }

  /** Oldest first, at most `limit` rows. */
  async all(db: Db, f: AuditFilter, limit: number): Promise<AuditRow[]> {
    return (await this.query(db, f)
      .select('u.*', db.raw(ACTOR_NAME))
      .orderBy([{ column: 'u.at' }, { column: 'u.source' }, { column: 'u.id' }])
      .limit(limit)) as AuditRow[];
  }
}
