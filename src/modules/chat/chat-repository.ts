import type { Knex } from 'knex';
import type { Locale } from '../../lib/i18n.js';
import { CHAT_CHANNEL, FTS_CONFIG, type ChatAuthor, type ChatStatus } from './rules.js';

type Db = Knex | Knex.Transaction;

export interface ConversationRow {
  id: number;
  person_id: number | null;
  locale: Locale;
  status: ChatStatus;
  operator_id: number | null;
  contact_name: string | null;
  contact: string | null;
  support_request_id: number | null;
  handed_at: Date | null;
  last_message_at: Date;
  closed_at: Date | null;
  created_at: Date;
}

export interface BotLink {
  kind: 'faq' | 'instruction';
  id: number;
  title: string;
  excerpt: string;
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  author: ChatAuthor;
  author_id: number | null;
  body: string;
  text_key: string | null;
  params: Record<string, string | number>;
  links: BotLink[];
  created_at: Date;
}

export interface DeskRow extends ConversationRow {
  person_name: string | null;
  operator_name: string | null;
  support_number: string | null;
  last_visitor_text: string | null;
  messages: number;
}

const NAME = (alias: string) =>
  `nullif(concat_ws(' ', ${alias}.surname, ${alias}.name, ${alias}.patronymic), '')`;

/** Conversations and their messages; every message is announced on the chat channel as it commits. */
export class ChatRepository {
  async find(db: Db, id: number): Promise<ConversationRow | undefined> {
    return (await db('chat_conversations').where({ id }).first()) as ConversationRow | undefined;
  }

  async lock(tx: Knex.Transaction, id: number): Promise<ConversationRow | undefined> {
    return (await tx('chat_conversations').where({ id }).forUpdate().first()) as ConversationRow | undefined;
  }

  async create(
    tx: Knex.Transaction,
    c: { person_id: number | null; locale: Locale; at: Date },
  ): Promise<ConversationRow> {
    const [row] = (await tx('chat_conversations')
      .insert({
        person_id: c.person_id,
        locale: c.locale,
        status: 'bot',
        last_message_at: c.at,
        created_at: c.at,
      })
      .returning('*')) as ConversationRow[];
    return row!;
  }

  async update(
    tx: Knex.Transaction,
    id: number,
    changes: Partial<ConversationRow>,
  ): Promise<ConversationRow> {
    const [row] = (await tx('chat_conversations')
      .where({ id })
      .update(changes)
      .returning('*')) as ConversationRow[];
    return row!;
  }

  /** Appends a message and announces it (NOTIFY is delivered when, and only if, the transaction commits). */
  async addMessage(
    tx: Knex.Transaction,
    m: {
      conversation_id: number;
      author: ChatAuthor;
      author_id?: number | null;
      body?: string;
      text_key?: string | null;
      params?: Record<string, string | number>;
      links?: BotLink[];
      created_at: Date;
    },
  ): Promise<MessageRow> {
    const [row] = (await tx('chat_messages')
      .insert({
        conversation_id: m.conversation_id,
        author: m.author,
        author_id: m.author_id ?? null,
        body: m.body ?? '',
        text_key: m.text_key ?? null,
        params: JSON.stringify(m.params ?? {}),
        links: JSON.stringify(m.links ?? []),
        created_at: m.created_at,
      })
      .returning('*')) as MessageRow[];
    await tx('chat_conversations').where({ id: m.conversation_id }).update({ last_message_at: m.created_at });
    await tx.raw('select pg_notify(?, ?)', [
      CHAT_CHANNEL,
      JSON.stringify({ c: m.conversation_id, m: row!.id }),
    ]);
    return row!;
  }

  /** The conversation's messages after the given id, oldest first. */
  async messages(db: Db, conversationId: number, afterId = 0, limit = 500): Promise<MessageRow[]> {
    return (await db('chat_messages')
      .where('conversation_id', conversationId)
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit)) as MessageRow[];
  }

  /** Messages of every conversation after the given id (the desk's stream), oldest first. */
  async allMessagesAfter(db: Db, afterId: number, limit = 200): Promise<MessageRow[]> {
    return (await db('chat_messages').where('id', '>', afterId).orderBy('id').limit(limit)) as MessageRow[];
  }

  async lastMessageId(db: Db): Promise<number> {
    const row = (await db('chat_messages').max('id as id').first()) as
      { id: string | number | null } | undefined;
    return Number(row?.id ?? 0);
  }

  /** The visitor's messages, oldest first (the text of a request made from the conversation). */
  async visitorText(db: Db, conversationId: number): Promise<string[]> {
    const rows = (await db('chat_messages')
      .where({ conversation_id: conversationId, author: 'visitor' })
      .orderBy('id')
      .select('body')) as { body: string }[];
    return rows.map((r) => r.body);
  }

  /**
   * Published FAQ and instructions that match the question in the person's language: any of its
   * words (stemmed by the language's configuration) counts, the best matches first.
   */
  async search(db: Db, locale: Locale, question: string, limit: number) {
    const cfg = FTS_CONFIG[locale];
    const doc = `to_tsvector('${cfg}', coalesce(title_${locale}, '') || ' ' || coalesce(body_${locale}, ''))`;
    return (await db
      .with('q', (w) =>
        w.select(
          db.raw(`nullif(replace(plainto_tsquery('${cfg}', ?)::text, '&', '|'), '')::tsquery as q`, [
            question,
          ]),
        ),
      )
      .from('content_items as c')
      .crossJoin(db.raw('q'))
      .where('c.published', true)
      .whereIn('c.kind', ['faq', 'instruction'])
      .whereRaw(`q.q is not null and ${doc} @@ q.q`)
      .orderByRaw(`ts_rank(${doc}, q.q) desc, c.id`)
      .limit(limit)
      .select(
        'c.id',
        'c.kind',
        db.raw(`c.title_${locale} as title`),
        db.raw(`c.body_${locale} as body`),
      )) as { id: number; kind: 'faq' | 'instruction'; title: string; body: string }[];
  }

  /** Conversations the desk works: waiting first (oldest first), then active, then registered after hours. */
  async desk(db: Db, show: 'open' | 'all', limit: number): Promise<DeskRow[]> {
    const q = db('chat_conversations as c')
      .leftJoin('persons as p', 'p.id', 'c.person_id')
      .leftJoin('persons as o', 'o.id', 'c.operator_id')
      .leftJoin('support_requests as r', 'r.id', 'c.support_request_id')
      .select(
        'c.*',
        db.raw(`coalesce(${NAME('p')}, c.contact_name) as person_name`),
        db.raw(`${NAME('o')} as operator_name`),
        'r.number as support_number',
        db.raw(
          `(select m.body from chat_messages m where m.conversation_id = c.id and m.author = 'visitor' order by m.id desc limit 1) as last_visitor_text`,
        ),
        db.raw(`(select count(*) from chat_messages m where m.conversation_id = c.id)::int as messages`),
      )
      .orderByRaw(
        `case c.status when 'waiting' then 0 when 'active' then 1 when 'registered' then 2 when 'bot' then 3 else 4 end`,
      )
      .orderBy('c.last_message_at', 'asc')
      .limit(limit);
    if (show === 'open') q.whereIn('c.status', ['waiting', 'active', 'registered']);
    else q.whereNot('c.status', 'bot');
    return (await q) as DeskRow[];
  }

  async waitingCount(db: Db): Promise<number> {
    const row = (await db('chat_conversations').where('status', 'waiting').count('* as n').first()) as
      { n: string | number } | undefined;
    return Number(row?.n ?? 0);
  }

  async personName(db: Db, personId: number): Promise<string | null> {
    const row = (await db('persons as p')
      .where('p.id', personId)
      .first(db.raw(`${NAME('p')} as name`))) as { name: string | null } | undefined;
    return row?.name ?? null;
  }
}
