import type { Knex } from 'knex';
import { insertStamped, RowsById, updateStamped } from '../shared/rows.js';
import type { Locale } from '../../lib/i18n.js';

type Db = Knex | Knex.Transaction;

export const CONTENT_KINDS = ['instruction', 'faq', 'news'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export interface ContentRow {
  id: number;
  kind: ContentKind;
  title_ru: string;
  title_kk: string;
  title_en: string;
  body_ru: string;
  body_kk: string;
  body_en: string;
  published: boolean;
  published_at: Date | null;
  sort: number;
  created_at: Date;
  updated_at: Date;
}

export interface MediaRow {
  id: number;
  content_id: number;
  kind: 'video' | 'captions';
  lang: Locale | null;
  file_name: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  uploaded_at: Date;
}

/** The columns an administrator edits (already cleaned). */
export type ContentValues = Omit<ContentRow, 'id' | 'published_at' | 'created_at' | 'updated_at'>;

/** Instructions, FAQ and news with their video and caption files. */
export class ContentRepository extends RowsById<ContentRow> {
  constructor() {
    super('content_items');
  }

  async list(db: Db, kind?: ContentKind): Promise<(ContentRow & { media_count: number })[]> {
    const q = db('content_items as c')
      .select(
        'c.*',
        db.raw('(select count(*) from content_media m where m.content_id = c.id)::int as media_count'),
      )
      .orderBy([{ column: 'c.kind' }, { column: 'c.sort' }, { column: 'c.id', order: 'desc' }]);
    if (kind) q.where('c.kind', kind);
    return (await q) as (ContentRow & { media_count: number })[];
  }

  async insert(
    tx: Knex.Transaction,
    values: ContentValues & { published_at: Date | null },
    by: number,
    at: Date,
  ): Promise<ContentRow> {
    return insertStamped<ContentRow>(tx, 'content_items', values, by, at);
  }

  async update(
    tx: Knex.Transaction,
    id: number,
    values: ContentValues & { published_at: Date | null },
    by: number,
    at: Date,
  ): Promise<ContentRow> {
    return (await updateStamped<ContentRow>(tx, 'content_items', id, values, by, at))!;
  }

  async delete(tx: Knex.Transaction, id: number): Promise<void> {
    await tx('content_items').where({ id }).delete();
  }

  /** Published items of one kind: news newest first, the rest in their order; whether each has a video. */
  async published(db: Db, kind: ContentKind): Promise<(ContentRow & { has_video: boolean })[]> {
    return (await db('content_items as c')
      .where({ 'c.kind': kind, 'c.published': true })
      .select(
        'c.*',
        db.raw(
          `exists (select 1 from content_media m where m.content_id = c.id and m.kind = 'video') as has_video`,
        ),
      )
      .orderBy(
        kind === 'news'
          ? [
              { column: 'c.published_at', order: 'desc' },
              { column: 'c.id', order: 'desc' },
            ]
          : [{ column: 'c.sort' }, { column: 'c.id' }],
      )) as (ContentRow & { has_video: boolean })[];
  }

  async instruction(db: Db, id: number): Promise<ContentRow | undefined> {
    return (await db('content_items').where({ id, kind: 'instruction' }).first()) as ContentRow | undefined;
  }

  // ---- media

  async media(db: Db, contentId: number): Promise<MediaRow[]> {
    return (await db('content_media')
      .where({ content_id: contentId })
      .orderBy(['kind', 'lang'])) as MediaRow[];
  }

  /** The file in one slot of an item: its video, or its captions in one language. */
  async mediaInSlot(
    tx: Knex.Transaction,
    contentId: number,
    kind: MediaRow['kind'],
    lang: Locale | null,
  ): Promise<MediaRow | undefined> {
    return (await tx('content_media')
      .where({ content_id: contentId, kind })
      .modify((q) => (lang ? q.where({ lang }) : q.whereNull('lang')))
      .first()) as MediaRow | undefined;
  }

  async mediaOf(db: Db, contentId: number, mediaId: number): Promise<MediaRow | undefined> {
    return (await db('content_media').where({ id: mediaId, content_id: contentId }).first()) as
      MediaRow | undefined;
  }

  /** A media file with whether its item is published. */
  async mediaWithItem(db: Db, mediaId: number): Promise<(MediaRow & { published: boolean }) | undefined> {
    return (await db('content_media as m')
      .join('content_items as c', 'c.id', 'm.content_id')
      .where('m.id', mediaId)
      .first('m.*', 'c.published')) as (MediaRow & { published: boolean }) | undefined;
  }

  async insertMedia(
    tx: Knex.Transaction,
    m: {
      contentId: number;
      kind: MediaRow['kind'];
      lang: Locale | null;
      fileName: string;
      mime: string;
      size: number;
      originalName: string;
      by: number;
      at: Date;
    },
  ): Promise<void> {
    await tx('content_media').insert({
      content_id: m.contentId,
      kind: m.kind,
      lang: m.lang,
      file_name: m.fileName,
      mime: m.mime,
      size_bytes: m.size,
      original_name: m.originalName.slice(0, 255),
      uploaded_by: m.by,
      uploaded_at: m.at,
    });
  }

  async deleteMedia(tx: Knex.Transaction, mediaId: number): Promise<void> {
    await tx('content_media').where({ id: mediaId }).delete();
  }
}
