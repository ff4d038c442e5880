import type { Knex } from 'knex';

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

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_CSV_LIMIT = 50_000;

/**
 * The journal of every state change and signed document: the audit log, the order events and the
 * signed documents, in one time-ordered list with filters.
 */
export class AuditLogService {
  constructor(private readonly db: Knex) {}

  private query(f: AuditFilter) {
    const db = this.db;
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
    if (f.action) q.where('u.action', 'like', `${f.action.replace(/[%_\\]/g, '')}%`);
    if (f.objectType) q.where('u.object_type', f.objectType);
    if (f.objectId) q.where('u.object_id', f.objectId);
    const actor = f.actor?.trim();
    if (actor && /^\d{1,12}$/.test(actor)) q.where('p.iin', 'like', `${actor}%`);
    else if (actor) {
      const like = `%${actor.replace(/[%_\\]/g, '')}%`;
      q.where((w) => w.whereILike('p.surname', like).orWhereILike('p.name', like));
    }
    return q;
  }

  async list(f: AuditFilter, page = 1): Promise<{ rows: AuditRow[]; total: number; pageSize: number }> {
    const q = this.query(f);
    const [{ count }] = (await q.clone().count<{ count: number }[]>('* as count')) as [{ count: number }];
    const rows = (await q
      .clone()
      .select('u.*', this.db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`))
      .orderBy([{ column: 'u.at', order: 'desc' }, { column: 'u.source' }, { column: 'u.id', order: 'desc' }])
      .limit(AUDIT_PAGE_SIZE)
      .offset((Math.max(1, page) - 1) * AUDIT_PAGE_SIZE)) as AuditRow[];
    return { rows, total: Number(count), pageSize: AUDIT_PAGE_SIZE };
  }

  /** Everything the filter matches, oldest first (for CSV export). */
  async all(f: AuditFilter): Promise<AuditRow[]> {
    return (await this.query(f)
      .select('u.*', this.db.raw(`concat_ws(' ', p.surname, p.name, p.patronymic) as actor_name`))
      .orderBy([{ column: 'u.at' }, { column: 'u.source' }, { column: 'u.id' }])
      .limit(AUDIT_CSV_LIMIT)) as AuditRow[];
  }
}
