import type { StoredFile } from '../files/index.js';
import type { Knex } from 'knex';
import type {
  ContentKind,
  ContentRepository,
  ContentRow,
  ContentValues,
  MediaRow,
} from './content-repository.js';
import { pick } from './localised.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import type { Actor } from '../../lib/actor.js';
import type { Locale } from '../../lib/i18n.js';
import { auditAction } from '../audit/audit.js';
import { sanitizeRichText } from './sanitize.js';
import { readUpload } from '../../lib/uploaded-file.js';
import {
  detectVideo,
  isWebVtt,
  MAX_CAPTIONS_BYTES,
  MAX_VIDEO_BYTES,
  type FileStore,
  type UploadedFile,
} from './uploads.js';

export { CONTENT_KINDS, type ContentKind, type ContentRow, type MediaRow } from './content-repository.js';
export const LANGS = ['ru', 'kk', 'en'] as const;

/** What an administrator submits (cleaned before it is stored). */
export type ContentInput = ContentValues;

/** What a reader sees of an item in their language (Russian when a translation is missing). */
export interface LocalisedItem {
  id: number;
  kind: ContentKind;
  title: string;
  /** sanitised rich text */
  body: string;
  publishedAt: Date | null;
  hasVideo: boolean;
}

export interface InstructionView extends LocalisedItem {
  video: { id: number; mime: string } | null;
  tracks: { id: number; lang: Locale; isDefault: boolean }[];
}

/** Instructions (text and video with captions), FAQ and news in three languages. */
export class ContentService {
  constructor(
    private readonly db: Knex,
    private readonly repo: ContentRepository,
    private readonly clock: Clock,
    private readonly files: FileStore,
  ) {}

  async list(kind?: ContentKind): Promise<(ContentRow & { media_count: number })[]> {
    return this.repo.list(this.db, kind);
  }

  async get(id: number): Promise<ContentRow> {
    const row = await this.repo.find(this.db, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  async media(contentId: number): Promise<MediaRow[]> {
    return this.repo.media(this.db, contentId);
  }

  private clean(input: ContentInput) {
    const out = {
      kind: input.kind,
      title_ru: input.title_ru.trim(),
      title_kk: input.title_kk.trim(),
      title_en: input.title_en.trim(),
      body_ru: sanitizeRichText(input.body_ru),
      body_kk: sanitizeRichText(input.body_kk),
      body_en: sanitizeRichText(input.body_en),
      sort: input.sort,
      published: input.published,
    };
    for (const l of LANGS) {
      if (!out[`body_${l}`]) throw new AppError('admin:errors.bodyEmptyAfterCleaning', 400, { lang: l });
    }
    return out;
  }

  async create(actor: Actor, input: ContentInput): Promise<ContentRow> {
    const now = this.clock.now();
    const values = this.clean(input);
    return inTransaction(this.db, async (tx) => {
      const row = await this.repo.insert(
        tx,
        { ...values, published_at: values.published ? now : null },
        actor.personId,
        now,
      );
      await auditAction(tx, actor, 'content.created', ['content', row.id], {
        details: { kind: values.kind, published: values.published },
      });
      return row;
    });
  }

  async update(actor: Actor, id: number, input: ContentInput): Promise<ContentRow> {
    const now = this.clock.now();
    const values = this.clean(input);
    return inTransaction(this.db, async (tx) => {
      const current = await this.repo.lock(tx, id);
      if (!current) throw new NotFoundError();
      const row = await this.repo.update(
        tx,
        id,
        {
          ...values,
          kind: current.kind,
          published_at: values.published ? (current.published_at ?? now) : null,
        },
        actor.personId,
        now,
      );
      await auditAction(tx, actor, 'content.updated', ['content', id], {
        details: { published: values.published },
      });
      return row;
    });
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const current = await this.repo.lock(tx, id);
      if (!current) throw new NotFoundError();
      const m = await this.repo.media(tx, id);
      await this.repo.delete(tx, id);
      for (const f of m) await this.files.remove(tx, f.file_name);
      await auditAction(tx, actor, 'content.deleted', ['content', id], {
        details: { kind: current.kind, title: current.title_ru },
      });
    });
  }

  /** Published items of one kind in the reader's language. */
  async published(kind: ContentKind, lang: Locale): Promise<LocalisedItem[]> {
    const rows = await this.repo.published(this.db, kind);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: pick(r, 'title', lang),
      body: pick(r, 'body', lang),
      publishedAt: r.published_at,
      hasVideo: r.has_video,
    }));
  }

  /** One published instruction with its video and caption tracks (the reader's language first). */
  async instruction(
    id: number,
    lang: Locale,
    opts: { includeUnpublished?: boolean } = {},
  ): Promise<InstructionView> {
    const row = await this.repo.instruction(this.db, id);
    if (!row || (!row.published && !opts.includeUnpublished)) throw new NotFoundError();
    const media = await this.media(id);
    const video = media.find((m) => m.kind === 'video') ?? null;
    const captions = media.filter((m) => m.kind === 'captions');
    const defaultLang = captions.some((c) => c.lang === lang) ? lang : captions[0]?.lang;
    return {
      id: row.id,
      kind: row.kind,
      title: pick(row, 'title', lang),
      body: pick(row, 'body', lang),
      publishedAt: row.published_at,
      hasVideo: Boolean(video),
      video: video ? { id: video.id, mime: video.mime } : null,
      tracks: captions.map((c) => ({
        id: c.id,
        lang: c.lang!,
        isDefault: c.lang === defaultLang,
      })),
    };
  }

  /**
   * Attaches a video (MP4/WebM) with captions (WebVTT, one file per language, at least one) to an
   * instruction; each file is checked by its content. Replaces what was there in the same slots.
   */
  async uploadMedia(
    actor: Actor,
    contentId: number,
    upload: { video?: UploadedFile; captions: Partial<Record<Locale, UploadedFile>> },
  ): Promise<void> {
    const item = await this.get(contentId);
    if (item.kind !== 'instruction') throw new AppError('admin:errors.videoOnlyForInstructions', 400);
    const existing = await this.media(contentId);
    const hasVideo = existing.some((m) => m.kind === 'video');
    const captionLangs = (Object.keys(upload.captions) as Locale[]).filter((l) => upload.captions[l]);
    if (!upload.video && !hasVideo) throw new AppError('admin:errors.videoRequired', 400);
    if (captionLangs.length === 0 && !existing.some((m) => m.kind === 'captions')) {
      throw new AppError('admin:errors.captionsRequired', 400);
    }
    const toStore: {
      kind: 'video' | 'captions';
      lang: Locale | null;
      ext: string;
      mime: string;
      file: UploadedFile;
    }[] = [];
    if (upload.video) {
      if (upload.video.size > MAX_VIDEO_BYTES) throw new AppError('admin:errors.videoTooLarge', 413);
      const type = await detectVideo(upload.video);
      if (!type) throw new AppError('admin:errors.videoType', 400);
      toStore.push({ kind: 'video', lang: null, ext: type.ext, mime: type.mime, file: upload.video });
    }
    for (const l of captionLangs) {
      const f = upload.captions[l]!;
      const text = f.size > MAX_CAPTIONS_BYTES ? null : await readUpload(f);
      if (!text || !isWebVtt(text)) throw new AppError('admin:errors.captionsType', 400, { lang: l });
      toStore.push({ kind: 'captions', lang: l, ext: 'vtt', mime: 'text/vtt', file: f });
    }

    // the files are written in the transaction of their rows (and the replaced ones removed in it)
    await inTransaction(this.db, async (tx) => {
      await this.repo.lock(tx, contentId);
      for (const s of toStore) {
        const prev = await this.repo.mediaInSlot(tx, contentId, s.kind, s.lang);
        if (prev) {
          await this.repo.deleteMedia(tx, prev.id);
          await this.files.remove(tx, prev.file_name);
        }
        await this.repo.insertMedia(tx, {
          contentId,
          kind: s.kind,
          lang: s.lang,
          fileName: await this.files.save(tx, s.ext, s.mime, s.file),
          mime: s.mime,
          size: s.file.size,
          originalName: s.file.originalname,
          by: actor.personId,
          at: this.clock.now(),
        });
      }
      await auditAction(tx, actor, 'content.media_uploaded', ['content', contentId], {
        details: {
          files: toStore.map((s) => ({ kind: s.kind, lang: s.lang, mime: s.mime, size: s.file.size })),
        },
      });
    });
  }

  async removeMedia(actor: Actor, contentId: number, mediaId: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await this.repo.mediaOf(tx, contentId, mediaId);
      if (!row) throw new NotFoundError();
      await this.repo.deleteMedia(tx, mediaId);
      await this.files.remove(tx, row.file_name);
      await auditAction(tx, actor, 'content.media_removed', ['content', contentId], {
        details: { kind: row.kind, lang: row.lang },
      });
    });
  }

  /** A media file to serve: only of a published item, unless an administrator previews it. */
  async mediaFile(
    mediaId: number,
    opts: { admin: boolean },
  ): Promise<{ file: StoredFile; mime: string; size: number; name: string }> {
    const row = await this.repo.mediaWithItem(this.db, mediaId);
    if (!row || (!row.published && !opts.admin)) throw new NotFoundError();
    const file = await this.files.open(row.file_name);
    if (!file) throw new NotFoundError();
    return { file, mime: row.mime, size: row.size_bytes, name: row.file_name };
  }
}
