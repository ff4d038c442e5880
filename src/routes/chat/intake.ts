import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { parseForm } from '../../web/forms.js';
import { UPLOADS, acceptUploads, uploadsOf } from '../../web/uploads.js';
import { MAX_SCREENSHOTS } from '../../modules/admin/uploads.js';
import { parseAstanaLocal, toAstanaLocalInput } from '../../modules/admin/datetime.js';
import { INVALID, publicRequestForm, recordForm } from '../../modules/chat/schemas.js';
import { PUBLIC_REQUESTS_PER_HOUR } from '../../modules/chat/rules.js';

/**
 * Requests about technical failures from people who cannot or do not log in (rule 15 applies to
 * every participant): the public form at /support/report, limited per address; and the operator's
 * form for a request received by phone or in a messenger (/admin/support/record). Both follow the
 * deadlines of rule 15 like the portal's own requests.
 */
export function intakeRoutes(services: WebServices): Router {
  const router = Router();
  const { support } = services.admin;

  const perAddress = rateLimit({
    windowMs: 60 * 60_000,
    limit: PUBLIC_REQUESTS_PER_HOUR,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: services.rateLimitStore('support-public:'),
    handler: (_req, _res, next) => next(new AppError('chat:errors.tooManyRequests', 429)),
  });

  const renderPublic = (res: Response, extra: Record<string, unknown> = {}) =>
    res.render('pages/chat/report.njk', {
      values: {},
      errors: {},
      maxScreenshots: MAX_SCREENSHOTS,
      ...extra,
    });

  router.get('/support/report', (_req, res) => renderPublic(res));

  const screenshots = acceptUploads(services.config.dataDir, UPLOADS.publicSupportScreenshots);
  router.post('/support/report', perAddress, screenshots, async (req, res) => {
    const fields = { ...(req.body as Record<string, unknown>) };
    const form = parseForm(publicRequestForm, fields, INVALID);
    const refuse = (errors: Record<string, string>, errorParams: Record<string, string | number> = {}) =>
      renderPublic(res.status(400), { values: fields, errors, errorParams });
    if (!form.ok) return refuse(form.errors);
    try {
      const r = await support.fileFromChannel(
        {
          channel: 'web',
          description: form.data.description,
          location: form.data.location,
          contactName: form.data.contact_name,
          contact: form.data.contact,
          // a logged-in person may use this form too: the request is theirs then
          personId: req.session.auth?.personId ?? null,
        },
        uploadsOf(req).filter((f) => f.fieldname === 'screenshots'),
      );
      res.status(201);
      renderPublic(res, {
        filed: { number: r.number, receivedAt: r.received_at, registerDueAt: r.register_due_at },
      });
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('support:errors.'))
        return refuse({ screenshots: err.code }, err.params);
      throw err;
    }
  });

  const desk = Router();
  desk.use(requireRole('operator', 'admin'));
  const renderRecord = (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    res.render('pages/chat/record.njk', {
      values: { received_at: toAstanaLocalInput(services.clock.now()) },
      errors: {},
      maxAt: toAstanaLocalInput(services.clock.now()),
      ...extra,
    });
  desk.get('/', (req, res) => renderRecord(req, res));
  desk.post('/', async (req, res) => {
    const form = parseForm(recordForm, req.body, INVALID);
    if (!form.ok)
      return renderRecord(req, res.status(400), { values: req.body as object, errors: form.errors });
    const r = await support.fileFromChannel({
      channel: form.data.channel,
      description: form.data.description,
      contactName: form.data.contact_name,
      contact: form.data.contact,
      callerIin: form.data.caller_iin || null,
      recordedBy: actorOf(req),
      ...(parseAstanaLocal(form.data.received_at)
        ? { receivedAt: parseAstanaLocal(form.data.received_at)! }
        : {}),
    });
    flash(req, 'chat:flash.recorded', { number: r.number });
    res.redirect(303, `/admin/support/${r.id}`);
  });
  router.use('/admin/support/record', desk);
  return router;
}
