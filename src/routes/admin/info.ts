import { sendStoredFile } from '../../web/uploads.js';
import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { idParam } from '../../web/forms.js';
import type { Locale } from '../../lib/i18n.js';

/** The caption track labels, in the language they caption (a person looks for their own language). */
export const TRACK_LABELS: Record<Locale, string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

/** Public information: instructions (text and captioned video), FAQ, news, current notices. */
export function infoRoutes(services: WebServices): Router {
  const router = Router();
  const { content, site } = services.admin;

  router.get('/info', async (req, res) => {
    const [instructions, faq, news, notices] = await Promise.all([
      content.published('instruction', req.lang),
      content.published('faq', req.lang),
      content.published('news', req.lang),
      site.currentNotices(req.lang),
    ]);
    res.render('pages/info/index.njk', { instructions, faq, news, notices });
  });

  router.get('/info/instructions/:id', async (req, res) => {
    const isAdmin = Boolean(req.session.auth?.roles.includes('admin'));
    const item = await content.instruction(idParam(req), req.lang, { includeUnpublished: isAdmin });
    res.render('pages/info/instruction.njk', {
      item: { ...item, tracks: item.tracks.map((tr) => ({ ...tr, label: TRACK_LABELS[tr.lang] })) },
    });
  });

  /** Video and caption files of published instructions (stored outside public/, by generated names). */
  router.get('/info/media/:id', async (req, res) => {
    const isAdmin = Boolean(req.session.auth?.roles.includes('admin'));
    const f = await content.mediaFile(idParam(req), { admin: isAdmin });
    sendStoredFile(req, res, f.file, {
      'Content-Type': f.mime === 'text/vtt' ? 'text/vtt; charset=utf-8' : f.mime,
      'Content-Disposition': `attachment; filename="${f.name}"`,
      'Cache-Control': 'private, max-age=300',
    });
  });

  return router;
}
