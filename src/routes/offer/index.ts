import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ValidationError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, type FieldErrors } from '../../web/forms.js';
import { UPLOADS, acceptUploads, sendStoredFile, uploadsOf } from '../../web/uploads.js';
import { assignForm, documentForm } from '../../modules/offer/schemas.js';
import { reasonActionRoutes, renderSign, signedOf } from '../specialist-services/helpers.js';
import { orderVm, withOrder } from '../specialist-services/view-models.js';

const employee = requireRole('employee');

/**
 * The organisation's own offer (rules item 13): «Документы организации» and the people involved in
 * its cabinet, the public organisation card with its documents, and the sign-language / assistant
 * orders sent to the organisation, which an employee assigns to one of its specialists (signed) or
 * declines with a reason (signed, on the shared reason and sign pages).
 */
export function offerRoutes(services: WebServices): Router {
  const router = Router();
  const offer = services.offer.documents;
  const orgOrders = services.specialistServices.organisationOrders;

  // ---------------------------------------------------------------- documents in the cabinet
  async function renderDocuments(
    req: Request,
    res: Response,
    status: number,
    values: Record<string, unknown> = {},
    errors?: FieldErrors,
  ) {
    const view = await offer.documents(actorOf(req));
    res.status(status).render('pages/offer/documents.njk', { ...view, values, errors });
  }

  router.get('/supplier/documents', employee, async (req, res) => {
    await renderDocuments(req, res, 200);
  });

  const upload = acceptUploads(services.config.dataDir, UPLOADS.organisationDocument);
  router.post('/supplier/documents', employee, upload, async (req, res) => {
    const files = uploadsOf(req);
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (files.length > 1 || files.some((f) => f.fieldname !== 'file'))
      return renderDocuments(req, res, 400, values, { file: 'offer:errors.fileOne' });
    const form = parseForm(documentForm, req.body ?? {}, 'offer:errors.invalid');
    if (!form.ok) return renderDocuments(req, res, 400, values, form.errors);
    try {
      const d = await offer.upload(actorOf(req), form.data, files[0]);
      flash(req, 'offer:flash.documentAdded', { number: d.number });
      res.redirect(303, '/supplier/documents');
    } catch (err) {
      if (err instanceof ValidationError) return renderDocuments(req, res, 400, values, err.fields);
      throw err;
    }
  });

  router.post('/supplier/documents/:id/delete', employee, async (req, res) => {
    await offer.remove(actorOf(req), idParam(req));
    flash(req, 'offer:flash.documentRemoved');
    res.redirect(303, '/supplier/documents');
  });

  // ---------------------------------------------------------------- the public organisation card
  router.get('/organisations/:id', async (req, res) => {
    res.render('pages/offer/organisation.njk', await offer.publicCard(idParam(req)));
  });

  router.get('/organisations/:id/documents/:docId', async (req, res) => {
    const file = await offer.documentFile(idParam(req), idParam(req, 'docId'));
    res.attachment(file.fileName);
    sendStoredFile(req, res, file.file, {
      'Content-Type': file.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=300',
    });
  });

  // ---------------------------------------------------------------- orders sent to the organisation
  // an organisation without the sign-language or assistant direction is refused before any form or signature is read
  router.use('/supplier/service-orders', employee, async (req, _res, next) => {
    await orgOrders.assertServiceOrganisation(actorOf(req));
    next();
  });

  router.get('/supplier/service-orders', employee, async (req, res) => {
    const view = await orgOrders.list(actorOf(req));
    res.render('pages/offer/service-orders.njk', { ...view, rows: view.rows.map(withOrder) });
  });

  async function renderCard(req: Request, res: Response, status: number, errors?: FieldErrors) {
    const view = await orgOrders.card(actorOf(req), idParam(req));
    res.status(status).render('pages/offer/service-order.njk', { ...withOrder(view), errors });
  }

  router.get('/supplier/service-orders/:id', employee, async (req, res) => {
    await renderCard(req, res, 200);
  });

  // «Принять и назначить специалиста» → the document naming the specialist → sign with the employee's key
  router.post('/supplier/service-orders/:id/assign', employee, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(assignForm, req.body, 'offer:errors.specialistRequired');
    if (!form.ok) return renderCard(req, res, 400, form.errors);
    let issued;
    try {
      issued = await orgOrders.issueAssign(actorOf(req), id, form.data.specialist);
    } catch (err) {
      if (err instanceof ValidationError) return renderCard(req, res, 400, err.fields);
      throw err;
    }
    const t = req.t;
    const order = orderVm(issued.order);
    renderSign(req, res, {
      title: t('offer:assign.signTitle'),
      lead: t('offer:assign.signLead'),
      rows: [
        { key: t('services:field.number'), value: order.number },
        { key: t('services:field.helpType'), value: t(`services:helpType.${order.helpType}`) },
        { key: t('services:field.recipient'), value: order.recipientName },
        { key: t('services:field.specialist'), value: issued.specialistName },
      ],
      signRequest: issued.signRequest,
      action: `/supplier/service-orders/${id}/assign/sign`,
      cancelHref: `/supplier/service-orders/${id}`,
    });
  });

  router.post('/supplier/service-orders/:id/assign/sign', employee, async (req, res) => {
    const id = idParam(req);
    await orgOrders.assign(actorOf(req), id, signedOf(req));
    flash(req, 'offer:flash.assigned');
    res.redirect(303, `/supplier/service-orders/${id}`);
  });

  // «Отказать»: the reason → the refusal signed with the employee's key → the card
  reasonActionRoutes(router, orgOrders, {
    base: '/supplier/service-orders',
    path: 'decline',
    action: 'decline',
    party: 'recipient',
  });

  return router;
}
