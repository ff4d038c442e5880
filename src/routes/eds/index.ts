import { Router } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import * as blocks from '../../lib/schema-blocks.js';
import { requireAuth, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';

const { signRequestId, signedXml } = blocks.signedFields(256 * 1024);
const signedBody = z.object({ _csrf: z.string().optional(), signRequestId, signedXml });
const prepareBody = z.object({
  signRequestId,
  certPem: blocks.text({ max: 20_000, min: 100, raw: true }),
});

/** The browser signer's server half, and the evidence of every signed document. */
export function edsRoutes(services: WebServices): Router {
  const router = Router();

  // login needs no session person: the challenge's actor is nobody yet
  router.post('/eds/prepare', async (req, res) => {
    const body = prepareBody.safeParse(req.body);
    if (!body.success)
      return res.status(400).json({ error: 'bad_request', message: req.t('errors:bad_request') });
    // a supplier registering is identified by the registration's signed challenge, not logged in
    const actorId = req.session.auth?.personId ?? req.session.registrant?.personId ?? null;
    try {
      const prepared = await services.signing.prepare(body.data.signRequestId, actorId, body.data.certPem);
      res.json(prepared);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'bad_request';
      const status = (err as { status?: number }).status ?? 400;
      res.status(status >= 500 ? 500 : status).json({ error: code, message: req.t(`errors:${code}`) });
    }
  });

  /** «Проверка ЭЦП»: sign a harmless document to see that the key works before ordering anything. */
  router.get('/eds/check', requireAuth, async (req, res) => {
    const signRequest = await services.signatureCheck.issue(req.session.auth!, req.t('eds:check.statement'));
    res.render('pages/eds/check.njk', { signRequest });
  });

  router.post('/eds/check', requireAuth, async (req, res, next) => {
    const body = signedBody.safeParse(req.body);
    if (!body.success) return next(new AppError('EDS_NO_SIGNATURE', 400));
    try {
      const docId = await services.signatureCheck.complete(
        req.session.auth!,
        body.data.signRequestId,
        body.data.signedXml,
      );
      flash(req, 'eds:check.done');
      res.redirect(303, `/documents/${docId}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code?.startsWith('EDS_')) {
        const signRequest = await services.signatureCheck.issue(
          req.session.auth!,
          req.t('eds:check.statement'),
        );
        return res.status(400).render('pages/eds/check.njk', { signRequest, error: req.t(`errors:${code}`) });
      }
      next(err);
    }
  });

  router.get('/documents', requireAuth, async (req, res) => {
    const auth = req.session.auth!;
    res.render('pages/eds/documents.njk', { docs: await services.evidence.listFor(auth) });
  });

  router.get('/documents/:id', requireAuth, async (req, res) => {
    const id = blocks.id().safeParse(req.params.id);
    if (!id.success) throw new NotFoundError();
    const auth = req.session.auth!;
    const view = await services.evidence.show(auth, id.data, req.lang);
    res.render('pages/eds/document.njk', { ...view, canReverify: auth.roles.includes('admin') });
  });

  router.get('/documents/:id/xml', requireAuth, async (req, res) => {
    const id = blocks.id().safeParse(req.params.id);
    if (!id.success) throw new NotFoundError();
    const { doc } = await services.evidence.show(req.session.auth!, id.data);
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="signed-document-${doc.id}.xml"`);
    res.send(doc.signed_xml);
  });

  router.post('/documents/:id/reverify', requireRole('admin'), async (req, res) => {
    const id = blocks.id().safeParse(req.params.id);
    if (!id.success) throw new NotFoundError();
    const result = await services.signing.reverify(id.data, req.session.auth!.personId);
    flash(
      req,
      result.ok ? 'eds:doc.reverifiedOk' : 'eds:doc.reverifiedFailed',
      result.ok ? {} : { code: result.code ?? '' },
      result.ok ? 'success' : 'info',
    );
    res.redirect(303, `/documents/${id.data}`);
  });

  return router;
}
