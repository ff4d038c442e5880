import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireAuth } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { supportForm, INVALID } from '../../modules/admin/schemas.js';
import { MAX_SCREENSHOTS } from '../../modules/admin/uploads.js';
import { UPLOADS, acceptUploads } from '../../web/uploads.js';
import { attachmentView, supportEventView, supportRequestView } from './support-view.js';
import { idParam, parseForm } from '../../web/forms.js';
import { sendStoredFile, uploadsOf } from '../../web/uploads.js';

/** A participant's requests about technical failures: file one, follow its status and notices. */
export function supportRoutes(services: WebServices): Router {
  const router = Router();
  const { support } = services.admin;

  router.get('/support', requireAuth, async (req, res) => {
    const requests = await support.listOwn(actorOf(req));
    res.render('pages/support/list.njk', { requests: requests.map(supportRequestView) });
  });

  router.get('/support/new', requireAuth, (_req, res) => {
    res.render('pages/support/new.njk', { values: {}, errors: {}, maxScreenshots: MAX_SCREENSHOTS });
  });

  const screenshots = acceptUploads(services.config.dataDir, UPLOADS.supportScreenshots);
  router.post('/support/new', requireAuth, screenshots, async (req, res) => {
    const fields = { ...(req.body as Record<string, unknown>) };
    const form = parseForm(supportForm, fields, INVALID);
    const render400 = (errors: Record<string, string>, params: Record<string, string | number> = {}) =>
      res.status(400).render('pages/support/new.njk', {
        values: fields,
        errors,
        errorParams: params,
        maxScreenshots: MAX_SCREENSHOTS,
      });
    if (!form.ok) return render400(form.errors);
    const files = uploadsOf(req).filter((f) => f.fieldname === 'screenshots');
    try {
      const r = await support.file(actorOf(req), form.data, files);
      flash(req, 'support:flash.filed', { number: r.number });
      res.redirect(303, `/support/${r.id}`);
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('support:errors.'))
        return render400({ screenshots: err.code }, err.params);
      throw err;
    }
  });

  router.get('/support/:id', requireAuth, async (req, res) => {
    const d = await support.showOwn(actorOf(req), idParam(req));
    res.render('pages/support/detail.njk', {
      request: supportRequestView(d.request),
      attachments: d.attachments.map(attachmentView),
      notices: d.notices.map(supportEventView),
    });
  });

  router.get('/support/:id/files/:fileId', requireAuth, async (req, res) => {
    const f = await support.attachment(actorOf(req), idParam(req), idParam(req, 'fileId'));
    sendStoredFile(req, res, f.file, {
      'Content-Type': f.mime,
      'Content-Disposition': `attachment; filename="${f.name}"`,
      'Cache-Control': 'private, no-store',
    });
  });

  return router;
}
