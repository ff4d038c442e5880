import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { contentListView, mediaView, noticeListView } from './view-models.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { CONTENT_KINDS, type ContentKind } from '../../modules/admin/content-service.js';
import {
  contentForm,
  emptyForm,
  holidayForm,
  noticeForm,
  phoneForm,
  INVALID,
} from '../../modules/admin/schemas.js';
import { parseAstanaLocal, toAstanaLocalInput } from '../../modules/admin/datetime.js';
import type { NoticeInput, NoticeRow } from '../../modules/admin/site-service.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { UPLOADS, acceptUploads } from '../../web/uploads.js';
import type { Locale } from '../../lib/i18n.js';
import { idParam, parseForm } from '../../web/forms.js';
import { uploadsOf } from '../../web/uploads.js';
import { isCalendarDate } from '../../lib/schema-blocks.js';

const kindQuery = z.enum(CONTENT_KINDS).optional().catch(undefined);

function noticeValues(n: NoticeRow) {
  return {
    ...n,
    starts_at: toAstanaLocalInput(n.starts_at),
    ends_at: toAstanaLocalInput(n.ends_at),
    fix_expected_at: toAstanaLocalInput(n.fix_expected_at),
  };
}

/** Content (instructions, FAQ, news), notices, the contact-centre phone and holidays (administrators). */
export function contentRoutes(services: WebServices): Router {
  const router = Router();
  const { content, site } = services.admin;

  // ---- instructions, FAQ, news

  router.get('/content', async (req, res) => {
    const kind = kindQuery.parse(req.query.kind);
    res.render('pages/admin/content-list.njk', {
      items: (await content.list(kind)).map(contentListView),
      kind: kind ?? '',
      kinds: CONTENT_KINDS,
    });
  });

  const renderItem = async (
    res: Response,
    view: {
      id?: number;
      values: Record<string, unknown>;
      errors?: Record<string, string>;
      mediaErrors?: Record<string, string>;
    },
  ) => {
    const media = view.id ? await content.media(view.id) : [];
    // an item's kind never changes: a re-rendered form shows the stored one, whatever was posted
    const values = view.id ? { ...view.values, kind: (await content.get(view.id)).kind } : view.values;
    res.render('pages/admin/content-form.njk', {
      ...view,
      values,
      errors: view.errors ?? {},
      mediaErrors: view.mediaErrors ?? {},
      media: media.map(mediaView),
      kinds: CONTENT_KINDS,
    });
  };

  router.get('/content/new', async (req, res) => {
    const kind: ContentKind = kindQuery.parse(req.query.kind) ?? 'faq';
    await renderItem(res, { values: { kind, sort: 0 } });
  });

  router.post('/content/new', async (req, res) => {
    const form = parseForm(contentForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderItem(res, { values: req.body as Record<string, unknown>, errors: form.errors });
    }
    try {
      const row = await content.create(actorOf(req), form.data);
      flash(req, 'admin:flash.contentSaved');
      res.redirect(303, `/admin/content/${row.id}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'admin:errors.bodyEmptyAfterCleaning') {
        res.status(400);
        return renderItem(res, {
          values: req.body as Record<string, unknown>,
          errors: { [`body_${err.params.lang}`]: err.code },
        });
      }
      throw err;
    }
  });

  router.get('/content/:id', async (req, res) => {
    const row = await content.get(idParam(req));
    await renderItem(res, { id: row.id, values: row as unknown as Record<string, unknown> });
  });

  router.post('/content/:id', async (req, res) => {
    const id = idParam(req);
    const form = parseForm(contentForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderItem(res, { id, values: req.body as Record<string, unknown>, errors: form.errors });
    }
    try {
      await content.update(actorOf(req), id, form.data);
    } catch (err) {
      if (err instanceof AppError && err.code === 'admin:errors.bodyEmptyAfterCleaning') {
        res.status(400);
        return renderItem(res, {
          id,
          values: req.body as Record<string, unknown>,
          errors: { [`body_${err.params.lang}`]: err.code },
        });
      }
      throw err;
    }
    flash(req, 'admin:flash.contentSaved');
    res.redirect(303, `/admin/content/${id}`);
  });

  router.post('/content/:id/delete', async (req, res) => {
    parseForm(emptyForm, req.body);
    await content.remove(actorOf(req), idParam(req));
    flash(req, 'admin:flash.contentDeleted');
    res.redirect(303, '/admin/content');
  });

  /** Video (MP4/WebM) and WebVTT captions of an instruction: a multipart form. */
  const media = acceptUploads(services.config.dataDir, UPLOADS.contentMedia);
  router.post('/content/:id/media', media, async (req, res) => {
    const id = idParam(req);
    parseForm(emptyForm, req.body);
    const files = uploadsOf(req).filter((f) => f.size > 0);
    const one = (name: string): UploadedFile | undefined => files.find((f) => f.fieldname === name);
    const captions: Partial<Record<Locale, UploadedFile>> = {};
    for (const l of ['ru', 'kk', 'en'] as const) {
      const f = one(`captions_${l}`);
      if (f) captions[l] = f;
    }
    const video = one('video');
    try {
      await content.uploadMedia(actorOf(req), id, { ...(video ? { video } : {}), captions });
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('admin:errors.')) {
        const field = err.code.includes('captions') ? `captions_${err.params.lang ?? 'ru'}` : 'video';
        const row = await content.get(id);
        res.status(err.status === 413 ? 413 : 400);
        return renderItem(res, {
          id,
          values: row as unknown as Record<string, unknown>,
          mediaErrors: { [field]: err.code },
        });
      }
      throw err;
    }
    flash(req, 'admin:flash.mediaSaved');
    res.redirect(303, `/admin/content/${id}`);
  });

  router.post('/content/:id/media/:mediaId/delete', async (req, res) => {
    parseForm(emptyForm, req.body);
    await content.removeMedia(actorOf(req), idParam(req), idParam(req, 'mediaId'));
    flash(req, 'admin:flash.mediaRemoved');
    res.redirect(303, `/admin/content/${idParam(req)}`);
  });

  // ---- maintenance and failure notices

  router.get('/notices', async (_req, res) => {
    res.render('pages/admin/notices.njk', { notices: (await site.notices()).map(noticeListView) });
  });

  const renderNotice = (
    res: Response,
    view: { id?: number; values: Record<string, unknown>; errors?: Record<string, string> },
  ) => res.render('pages/admin/notice-form.njk', { ...view, errors: view.errors ?? {} });

  const noticeInput = (req: Request, res: Response, id?: number): NoticeInput | null => {
    const form = parseForm(noticeForm, req.body, INVALID);
    const values = req.body as Record<string, unknown>;
    if (!form.ok) {
      res.status(400);
      renderNotice(res, { ...(id ? { id } : {}), values, errors: form.errors });
      return null;
    }
    const d = form.data;
    const startsAt = parseAstanaLocal(d.starts_at);
    const endsAt = parseAstanaLocal(d.ends_at);
    const errors: Record<string, string> = {};
    if (!startsAt) errors.starts_at = 'admin:errors.startsAt';
    if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime())
      errors.ends_at = 'admin:errors.endsBeforeStart';
    if (Object.keys(errors).length) {
      res.status(400);
      renderNotice(res, { ...(id ? { id } : {}), values, errors });
      return null;
    }
    return {
      kind: d.kind,
      title_ru: d.title_ru,
      title_kk: d.title_kk,
      title_en: d.title_en,
      text_ru: d.text_ru,
      text_kk: d.text_kk,
      text_en: d.text_en,
      startsAt: startsAt!,
      endsAt,
      fixExpectedAt: parseAstanaLocal(d.fix_expected_at),
    };
  };

  router.get('/notices/new', (_req, res) => {
    renderNotice(res, { values: { kind: 'failure', starts_at: toAstanaLocalInput(services.clock.now()) } });
  });

  router.post('/notices/new', async (req, res) => {
    const input = noticeInput(req, res);
    if (!input) return;
    await site.createNotice(actorOf(req), input);
    flash(req, 'admin:flash.noticeSaved');
    res.redirect(303, '/admin/notices');
  });

  router.get('/notices/:id', async (req, res) => {
    const n = await site.notice(idParam(req));
    renderNotice(res, { id: n.id, values: noticeValues(n) });
  });

  router.post('/notices/:id', async (req, res) => {
    const id = idParam(req);
    const input = noticeInput(req, res, id);
    if (!input) return;
    await site.updateNotice(actorOf(req), id, input);
    flash(req, 'admin:flash.noticeSaved');
    res.redirect(303, '/admin/notices');
  });

  router.post('/notices/:id/end', async (req, res) => {
    parseForm(emptyForm, req.body);
    await site.endNotice(actorOf(req), idParam(req));
    flash(req, 'admin:flash.noticeEnded');
    res.redirect(303, '/admin/notices');
  });

  // ---- contact-centre phone and holidays

  const renderSettings = async (
    res: Response,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) => {
    const [phone, holidays] = await Promise.all([site.contactPhone(), site.holidays()]);
    res.render('pages/admin/settings.njk', {
      phone,
      holidays,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  router.get('/settings', (_req, res) => renderSettings(res));

  router.post('/settings/phone', async (req, res) => {
    const form = parseForm(phoneForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderSettings(res, { errors: form.errors, values: req.body as Record<string, unknown> });
    }
    await site.setContactPhone(actorOf(req), form.data.phone);
    flash(req, 'admin:flash.phoneSaved');
    res.redirect(303, '/admin/settings');
  });

  router.post('/settings/holidays', async (req, res) => {
    const form = parseForm(holidayForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderSettings(res, { errors: form.errors, values: req.body as Record<string, unknown> });
    }
    await site.addHoliday(actorOf(req), form.data.day, form.data.name);
    flash(req, 'admin:flash.holidayAdded', { day: form.data.day.split('-').reverse().join('.') });
    res.redirect(303, '/admin/settings');
  });

  router.post('/settings/holidays/:day/delete', async (req, res) => {
    parseForm(emptyForm, req.body);
    const day = String(req.params.day);
    if (!isCalendarDate(day)) throw new NotFoundError();
    await site.removeHoliday(actorOf(req), day);
    flash(req, 'admin:flash.holidayRemoved');
    res.redirect(303, '/admin/settings');
  });

  return router;
}
