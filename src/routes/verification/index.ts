import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { idParam } from '../../web/forms.js';

/** lookups per address and window of the public verification page (a wrong code costs one, like a right one) */
export const VERIFY_LIMIT = 60;
export const VERIFY_WINDOW_MS = 15 * 60_000;

function sendPdf(res: Response, buffer: Buffer, fileName: string): void {
  res.attachment(fileName);
  res.type('application/pdf');
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(buffer);
}

/**
 * Documents anyone can verify: the public page of a signed document by its code (no login), and the
 * printable documents behind it — «Мои Направления» in the recipient's cabinet, the МСУ referral PDF,
 * the goods hand-over PDF for the recipient and the supplier.
 */
export function verificationRoutes(services: WebServices): Router {
  const router = Router();
  const { check, printables } = services.verification;

  const limiter = rateLimit({
    windowMs: VERIFY_WINDOW_MS,
    limit: VERIFY_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: services.rateLimitStore('verify:'),
    handler: (_req, _res, next) => next(new AppError('verification:errors.tooMany', 429)),
  });

  function form(res: Response, status: number, values: { code?: string }, error?: string) {
    res.status(status).render('pages/verification/form.njk', {
      values,
      ...(error ? { errors: { code: error } } : {}),
    });
  }

  /** The form to type a code; with `?code=` it leads to the code's page (or says what is wrong). */
  router.get('/verify', (req, res, next) => {
    const typed = req.query.code;
    if (typed === undefined) return form(res, 200, {});
    limiter(req, res, (err?: unknown) => {
      if (err) return next(err);
      const raw = typeof typed === 'string' ? typed.slice(0, 64) : '';
      const code = check.normalise(typed);
      if (!code) return form(res, 400, { code: raw }, 'verification:errors.codeFormat');
      res.redirect(303, `/verify/${code}`);
    });
  });

  router.get('/verify/:code', limiter, async (req: Request, res) => {
    const raw = String(req.params.code ?? '').slice(0, 64);
    if (!check.normalise(raw)) return form(res, 400, { code: raw }, 'verification:errors.codeFormat');
    const result = await check.byCode(raw, req.lang);
    if (!result) return form(res, 404, { code: raw }, 'verification:errors.unknownCode');
    res.setHeader('Cache-Control', 'no-store');
    res.render('pages/verification/result.njk', { result });
  });

  // ---------------------------------------------------------------- «Мои Направления»
  router.get('/cabinet/referrals', requireRole('recipient', 'guardian'), async (req, res) => {
    res.render('pages/verification/referrals.njk', { items: await printables.list(actorOf(req)) });
  });

  router.get('/cabinet/referrals/:id/pdf', requireRole('recipient', 'guardian'), async (req, res) => {
    const pdf = await printables.referralPdf(actorOf(req), idParam(req));
    sendPdf(res, pdf.buffer, pdf.fileName);
  });

  // ---------------------------------------------------------------- the goods hand-over document
  router.get('/goods/orders/:id/handover.pdf', requireRole('recipient', 'guardian'), async (req, res) => {
    const pdf = await printables.handoverPdf(actorOf(req), 'recipient', idParam(req));
    sendPdf(res, pdf.buffer, pdf.fileName);
  });

  router.get('/supplier/orders/:id/handover.pdf', requireRole('employee'), async (req, res) => {
    const pdf = await printables.handoverPdf(actorOf(req), 'supplier', idParam(req));
    sendPdf(res, pdf.buffer, pdf.fileName);
  });

  return router;
}
