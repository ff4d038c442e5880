import type { Knex } from 'knex';
import { RowsById } from '../shared/rows.js';
import type { SupportAction, SupportStatus } from './support-rules.js';
import { likePattern } from './search.js';

type Db = Knex | Knex.Transaction;

export const SUPPORT_CHANNELS = ['portal', 'web', 'chat', 'phone', 'messenger'] as const;
export type SupportChannel = (typeof SUPPORT_CHANNELS)[number];

export interface SupportRequestRow {
  id: number;
  number: string;
  /** the logged-in participant; null for a request without login or from another channel */
  person_id: number | null;
  principal_id: number | null;
  /** how it came: the portal's form, the public form, the chat, a phone call or a messenger */
  channel: SupportChannel;
  contact_name: string | null;
  /** the contact given with a request without a person (a phone, an e-mail, a messenger account) */
  contact: string | null;
  /** the caller's IIN, if they gave it (requests the operator records) */
  caller_iin: string | null;
  recorded_by: number | null;
  chat_conversation_id: number | null;
  description: string;
  location: string;
  contact_phone: string | null;
  contact_email: string | null;
  status: SupportStatus;
  version: number;
  received_at: Date;
  register_due_at: Date;
  registered_at: Date | null;
  analyse_due_at: Date | null;
  analysed_at: Date | null;
  outcome: 'confirmed' | 'refuted' | null;
  outcome_notice_due_at: Date | null;
  outcome_notified_at: Date | null;
  escalate_due_at: Date | null;
  escalated_at: Date | null;
  fix_start_due_at: Date | null;
  fix_expected_at: Date | null;
  fixed_at: Date | null;
  fixed_notice_due_at: Date | null;
  fixed_notified_at: Date | null;
  due_at: Date | null;
  closed_at: Date | null;
}

export interface SupportEventRow {
  id: number;
  request_id: number;
  at: Date;
  actor_id: number | null;
  actor_name?: string | null;
  action: SupportAction | 'file';
  from_status: SupportStatus | null;
  to_status: SupportStatus;
  comment: string | null;
  due_at: Date | null;
  on_time: boolean | null;
  notice_key: string | null;
  notice_params: Record<string, string | number>;
  notified_at: Date | null;
}

export interface AttachmentRow {
  id: number;
  request_id: number;
  file_name: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  uploaded_at: Date;
}

export interface QueueRow extends SupportRequestRow {
  person_name: string;
  overdue: boolean;
}

export interface RequesterCard {
  id: number;
  surname: string;
  name: string;
  patronymic: string | null;
  notify_channel: string;
  locale: string;
}

const FULL_NAME = (alias: string, as: string) =>
  `concat_ws(' ', ${alias}.surname, ${alias}.name, ${alias}.patronymic) as ${as}`;

/** Contact-centre requests with their events (each step and its notice) and screenshots. */
export class SupportRepository extends RowsById<SupportRequestRow> {
  constructor() {
    super('support_requests');
  }

  async contactsOf(
    db: Db,
    personId: number,
  ): Promise<{ phone: string | null; email: string | null } | undefined> {
    return (await db('persons').where({ id: personId }).first('phone', 'email')) as
      { phone: string | null; email: string | null } | undefined;
  }

  async requester(db: Db, personId: number): Promise<RequesterCard> {
    return (await db('persons')
      .where({ id: personId })
      .first('id', 'surname', 'name', 'patronymic', 'notify_channel', 'locale')) as RequesterCard;
  }

  /** A new request, numbered SR-<Astana year>-<sequence>. */
  async insert(
    tx: Knex.Transaction,
    r: Omit<
      SupportRequestRow,
      | 'id'
      | 'number'
      | 'version'
      | keyof SupportTimesLater
      | 'channel'
      | 'contact_name'
      | 'contact'
      | 'caller_iin'
      | 'recorded_by'
      | 'chat_conversation_id'
    > &
      Partial<
        Pick<
          SupportRequestRow,
          'channel' | 'contact_name' | 'contact' | 'caller_iin' | 'recorded_by' | 'chat_conversation_id'
        >
      > & { created_at: Date },
  ): Promise<SupportRequestRow> {
    const [row] = (await tx('support_requests')
      .insert({
        number: tx.raw(
          `'SR-' || to_char(?::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('support_request_number_seq')::text, 5, '0')`,
          [r.received_at],
        ),
        ...r,
      })
      .returning('*')) as SupportRequestRow[];
    return row!;
  }

  async insertAttachment(
    tx: Knex.Transaction,
    a: Omit<AttachmentRow, 'id'> & { sha256: string },
  ): Promise<void> {
    await tx('support_attachments').insert(a);
  }

  async insertEvent(
    tx: Knex.Transaction,
    e: Omit<SupportEventRow, 'id' | 'actor_name' | 'notice_params' | 'comment' | 'due_at' | 'on_time'> & {
      comment?: string | null;
      due_at?: Date | null;
      on_time?: boolean | null;
      notice_params: Record<string, string | number>;
    },
  ): Promise<void> {
    await tx('support_request_events').insert({ ...e, notice_params: JSON.stringify(e.notice_params) });
  }

  async ofPerson(db: Db, personId: number, limit: number): Promise<SupportRequestRow[]> {
    return (await db('support_requests')
      .where({ person_id: personId })
      .orderBy('received_at', 'desc')
      .limit(limit)) as SupportRequestRow[];
  }

  /** Changes the request if it is still at `version`; undefined when somebody changed it meanwhile. */
  async update(
    tx: Knex.Transaction,
    id: number,
    version: number,
    changes: Record<string, unknown>,
  ): Promise<SupportRequestRow | undefined> {
    const [row] = (await tx('support_requests')
      .where({ id, version })
      .update({ ...changes, version: version + 1 })
      .returning('*')) as SupportRequestRow[];
    return row;
  }

  async events(db: Db, requestId: number): Promise<SupportEventRow[]> {
    return (await db('support_request_events as e')
      .leftJoin('persons as p', 'p.id', 'e.actor_id')
      .where('e.request_id', requestId)
      .orderBy('e.id')
      .select('e.*', db.raw(FULL_NAME('p', 'actor_name')))) as SupportEventRow[];
  }

  async attachments(db: Db, requestId: number): Promise<AttachmentRow[]> {
    return (await db('support_attachments')
      .where({ request_id: requestId })
      .orderBy('id')) as AttachmentRow[];
  }

  /** A screenshot with the person whose request it belongs to. */
  async attachment(
    db: Db,
    requestId: number,
    attachmentId: number,
  ): Promise<(AttachmentRow & { person_id: number | null }) | undefined> {
    return (await db('support_attachments as a')
      .join('support_requests as r', 'r.id', 'a.request_id')
      .where({ 'a.id': attachmentId, 'a.request_id': requestId })
      .first('a.*', 'r.person_id')) as (AttachmentRow & { person_id: number | null }) | undefined;
  }

  /** Overdue first, then by the nearest deadline; closed ones last. */
  async queue(
    db: Db,
    now: Date,
    filter: { show: 'open' | 'closed' | 'all'; number?: string },
    limit: number,
  ): Promise<QueueRow[]> {
    const q = db('support_requests as r')
      .leftJoin('persons as p', 'p.id', 'r.person_id')
      .select(
        'r.*',
        db.raw(
          `coalesce(nullif(concat_ws(' ', p.surname, p.name, p.patronymic), ''), r.contact_name, r.contact) as person_name`,
        ),
        db.raw('(r.closed_at is null and r.due_at < ?) as overdue', [now]),
      )
      .orderByRaw('case when r.closed_at is not null then 2 when r.due_at < ? then 0 else 1 end', [now])
      .orderByRaw('r.due_at asc nulls last')
      .orderBy('r.received_at', 'desc')
      .limit(limit);
    if (filter.show === 'open') q.whereNull('r.closed_at');
    if (filter.show === 'closed') q.whereNotNull('r.closed_at');
    if (filter.number) q.whereILike('r.number', likePattern(filter.number));
    return (await q) as QueueRow[];
  }

  async openCounts(db: Db, now: Date): Promise<{ open: number; overdue: number }> {
    const row = (await db('support_requests')
      .whereNull('closed_at')
      .first(
        db.raw('count(*)::int as open'),
        db.raw('(count(*) filter (where due_at < ?))::int as overdue', [now]),
      )) as { open: number; overdue: number } | undefined;
    return { open: row?.open ?? 0, overdue: row?.overdue ?? 0 };
  }
}

/** Columns a request gets only by later steps (never given when it is filed). */
type SupportTimesLater = Pick<
  SupportRequestRow,
  | 'registered_at'
  | 'analyse_due_at'
  | 'analysed_at'
  | 'outcome'
  | 'outcome_notice_due_at'
  | 'outcome_notified_at'
  | 'escalate_due_at'
  | 'escalated_at'
  | 'fix_start_due_at'
  | 'fix_expected_at'
  | 'fixed_at'
  | 'fixed_notice_due_at'
  | 'fixed_notified_at'
  | 'closed_at'
>;
