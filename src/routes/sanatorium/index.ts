import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { actorOf, requireAuth, requireRole } from '../../web/auth-context.js';
import { UPLOADS, acceptUploads, sendStoredFile, uploadsOf } from '../../web/uploads.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { renderSignPage, type SummaryRow } from '../../web/sign-step.js';
import { KZ_REGIONS } from '../../modules/directory/lists.js';
import {
  ACCESSIBILITY,
  PROFILES,
  isRecipientAction,
  isSanatoriumAction,
  type SanatoriumAction,
} from '../../modules/sanatorium/rules.js';
import {
  createForm,
  offerForm,
  periodForm,
  photoForm,
  searchQuery,
  stepForm,
} from '../../modules/sanatorium/schemas.js';
import type { Side } from '../../modules/sanatorium/order-service.js';
import { userError } from '../goods/helpers.js';

const recipientOnly = requireRole('recipient', 'guardian');
const employee = requireRole('employee');
const admin = requireRole('admin');

const parse = <S extends Parameters<typeof parseForm>[0]>(schema: S, body: unknown) =>
  parseForm(schema, body, 'sanatorium:errors.badRequest');

/** Sanatorium-resort treatment: the recipient at /sanatorium, the sanatorium at /sanatorium-cabinet. */
export function sanatoriumRoutes(services: WebServices): Router {
  const router = Router();
  const orders = services.sanatorium.orders;
  const lists = { regions: KZ_REGIONS, profiles: PROFILES, accessibilityOptions: ACCESSIBILITY };

  // ---------------------------------------------------------------------------------------------
  // The recipient: «Выбрать поставщика» → a period → «Создать» → sign

  router.get('/sanatorium', recipientOnly, async (req, res) => {
    const q = searchQuery.parse(req.query);
    const data = await orders.search(actorOf(req), q);
    res.render('pages/sanatorium/search.njk', { ...data, filter: q, ...lists });
  });

  async function renderWindow(
    req: Request,
    res: Response,
    status: number,
    extra: Record<string, unknown> = {},
  ) {
    const w = await orders.window(actorOf(req), idParam(req));
    // the sanatorium's photos, and its licence and other documents (the organisation's, issue 16)
    const orgId = w.sanatorium.organisation_id;
    const [photos, docs] = await Promise.all([
      services.sanatorium.photos.photosOf(orgId),
      services.offer.documents.documentsOf([orgId]),
    ]);
    res.status(status).render('pages/sanatorium/period.njk', {
      ...w,
      photos,
      documents: (docs.get(orgId) ?? []).filter((d) => d.goodsId === null),
      values: {},
      ...extra,
    });
  }

  router.get('/sanatorium/periods/:id', recipientOnly, async (req, res) => {
    await renderWindow(req, res, 200);
  });

  router.post('/sanatorium/periods/:id/order', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const parsed = parse(createForm, req.body);
    if (!parsed.ok) return renderWindow(req, res, 400, { errors: parsed.errors, values: req.body });
    try {
      const step = await orders.issueCreate(actorOf(req), id, parsed.data, req.lang);
      const r = step.rows;
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `/sanatorium/periods/${id}/order/sign`,
        title: req.t('sanatorium:sign.create.title'),
        lead: req.t('sanatorium:sign.create.lead'),
        rows: [
          { key: req.t('sanatorium:field.sanatorium'), value: r.sanatorium },
          { key: req.t('sanatorium:field.period'), value: r.period },
          { key: req.t('sanatorium:field.companion'), value: r.companion },
          { key: req.t('sanatorium:field.price'), value: r.price },
          { key: req.t('sanatorium:field.guaranteed'), value: r.guaranteed },
          { key: req.t('sanatorium:field.surcharge'), value: r.surcharge },
        ] as SummaryRow[],
        hint: req.t('sanatorium:sign.keyHint'),
        buttonLabel: req.t('sanatorium:sign.button'),
        cancelHref: `/sanatorium/periods/${id}`,
      });
    } catch (err) {
      if (err instanceof ValidationError)
        return renderWindow(req, res, 400, { errors: err.fields, values: req.body });
      const u = userError(err);
      if (u)
        return renderWindow(req, res, u.status, { actionError: req.t(u.key, u.params), values: req.body });
      throw err;
    }
  });

  router.post('/sanatorium/periods/:id/order/sign', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const parsed = parse(signedForm, req.body);
    if (!parsed.ok) return renderWindow(req, res, 400, { actionError: req.t('errors:EDS_NO_SIGNATURE') });
    try {
      const order = await orders.applyCreate(actorOf(req), id, parsed.data);
      flash(req, 'sanatorium:flash.created', { number: order.number });
      res.redirect(303, `/sanatorium/orders/${order.id}`);
    } catch (err) {
      const u = userError(err);
      if (u) return renderWindow(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  orderRoutes(router, services, {
    side: 'recipient',
    base: '/sanatorium/orders',
    guard: recipientOnly,
    action: (a) => (isRecipientAction(a) ? a : null),
  });

  // ---------------------------------------------------------------------------------------------
  // The sanatorium: its offer, periods and incoming orders

  async function renderCabinet(
    req: Request,
    res: Response,
    status: number,
    extra: Record<string, unknown> = {},
  ) {
    const own = await services.sanatorium.offer.own(actorOf(req));
    const incoming = own.exists ? await orders.incoming(actorOf(req)) : [];
    const photos = own.exists ? await services.sanatorium.photos.photosOf(own.organisation.id) : [];
    res
      .status(status)
      .render('pages/sanatorium/cabinet.njk', { ...own, incoming, photos, ...lists, ...extra });
  }

  router.get('/sanatorium-cabinet', employee, async (req, res) => {
    await renderCabinet(req, res, 200);
  });

  router.post('/sanatorium-cabinet/offer', employee, async (req, res) => {
    const parsed = parse(offerForm, req.body);
    if (!parsed.ok) {
      // the form as posted: a checkbox group is a list whether none, one or several were ticked
      const body = (req.body ?? {}) as Record<string, unknown>;
      const asList = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);
      const values = { ...body, profiles: asList(body.profiles), accessibility: asList(body.accessibility) };
      return renderCabinet(req, res, 400, { errors: parsed.errors, values });
    }
    await services.sanatorium.offer.save(actorOf(req), parsed.data);
    flash(req, 'sanatorium:flash.saved', {});
    res.redirect(303, '/sanatorium-cabinet');
  });

  router.post('/sanatorium-cabinet/periods', employee, async (req, res) => {
    const parsed = parse(periodForm, req.body);
    if (!parsed.ok)
      return renderCabinet(req, res, 400, { periodErrors: parsed.errors, periodValues: req.body });
    try {
      await services.sanatorium.offer.addPeriod(actorOf(req), parsed.data);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderCabinet(req, res, 400, { periodErrors: err.fields, periodValues: req.body });
      const u = userError(err);
      if (u) return renderCabinet(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
    flash(req, 'sanatorium:flash.periodAdded', {});
    res.redirect(303, '/sanatorium-cabinet');
  });

  // The sanatorium's photos, each with its alternative text (issue 17 item 1)
  const photoUpload = acceptUploads(services.config.dataDir, UPLOADS.sanatoriumPhoto);
  router.post('/sanatorium-cabinet/photos', employee, photoUpload, async (req, res) => {
    const files = uploadsOf(req);
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (files.length > 1 || files.some((f) => f.fieldname !== 'photo'))
      return renderCabinet(req, res, 400, {
        photoErrors: { photo: 'sanatorium:errors.photoOne' },
        photoValues: values,
      });
    const parsed = parse(photoForm, values);
    if (!parsed.ok) return renderCabinet(req, res, 400, { photoErrors: parsed.errors, photoValues: values });
    try {
      await services.sanatorium.photos.upload(actorOf(req), parsed.data, files[0]);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderCabinet(req, res, 400, { photoErrors: err.fields, photoValues: values });
      const u = userError(err);
      if (u) return renderCabinet(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
    flash(req, 'sanatorium:flash.photoAdded', {});
    res.redirect(303, '/sanatorium-cabinet#photos');
  });

  router.post('/sanatorium-cabinet/photos/:id/delete', employee, async (req, res) => {
    await services.sanatorium.photos.remove(actorOf(req), idParam(req));
    flash(req, 'sanatorium:flash.photoRemoved', {});
    res.redirect(303, '/sanatorium-cabinet#photos');
  });

  /** A photo of a sanatorium: the stored type, never sniffed, never rendered as a document. */
  router.get('/sanatorium/photos/:id', requireAuth, async (req, res) => {
    const photo = await services.sanatorium.photos.photoFile(actorOf(req), idParam(req));
    sendStoredFile(req, res, photo.file, {
      'Content-Type': photo.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'attachment; filename="photo"',
      'Cache-Control': 'private, max-age=3600',
    });
  });

  orderRoutes(router, services, {
    side: 'sanatorium',
    base: '/sanatorium-cabinet/orders',
    guard: employee,
    action: (a) => (isSanatoriumAction(a) ? a : null),
  });

  // ---------------------------------------------------------------------------------------------
  // The administrator: the registry of sanatoriums and the report of places

  router.get('/admin/sanatoriums', admin, async (req, res) => {
    const [registry, report] = await Promise.all([
      services.sanatorium.reports.registry(),
      services.sanatorium.reports.report(),
    ]);
    res.render('pages/sanatorium/admin.njk', { registry, report });
  });

  // Open data, no login: free places per sanatorium and period
  router.get('/open-data/sanatoriums', async (_req, res) => {
    res.render('pages/sanatorium/free.njk', { periods: await services.sanatorium.reports.freePlaces() });
  });

  return router;
}

/** An order's card, its step buttons (document to sign) and the signed steps, for one side. */
function orderRoutes(
  router: Router,
  services: WebServices,
  o: { side: Side; base: string; guard: RequestHandler; action: (a: string) => SanatoriumAction | null },
): void {
  const orders = services.sanatorium.orders;
  const actionOf = (req: Request): SanatoriumAction => {
    const a = o.action(String(req.params.action ?? ''));
    if (!a) throw new NotFoundError();
    return a;
  };
  const renderCard = async (
    req: Request,
    res: Response,
    status: number,
    extra: Record<string, unknown> = {},
  ) => {
    const card = await orders.card(actorOf(req), o.side, idParam(req));
    res
      .status(status)
      .render('pages/sanatorium/order.njk', { ...card, side: o.side, base: o.base, values: {}, ...extra });
  };

  router.get(`${o.base}/:id`, o.guard, async (req, res) => {
    await renderCard(req, res, 200);
  });

  router.get(`${o.base}/:id/voucher.pdf`, o.guard, async (req, res) => {
    const v = await orders.voucher(actorOf(req), o.side, idParam(req), req.lang);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="voucher-${encodeURIComponent(v.number)}.pdf"`,
    );
    res.send(v.pdf);
  });

  router.post(`${o.base}/:id/:action`, o.guard, async (req, res) => {
    const action = actionOf(req);
    const id = idParam(req);
    const parsed = parse(stepForm, req.body);
    if (!parsed.ok)
      return renderCard(req, res, 400, { errors: parsed.errors, values: req.body, failedAction: action });
    try {
      const step = await orders.issueStep(actorOf(req), o.side, id, action, parsed.data, req.lang);
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `${o.base}/${id}/${action}/sign`,
        title: req.t(`sanatorium:action.${action}`),
        lead: req.t(`sanatorium:sign.stepLead`, { number: step.number }),
        rows: [
          { key: req.t('sanatorium:field.number'), value: step.number },
          { key: req.t('sanatorium:field.status'), value: req.t(`sanatorium:status.${step.from}`) },
          { key: req.t('sanatorium:field.newStatus'), value: req.t(`sanatorium:status.${step.to}`) },
          ...(parsed.data.reason
            ? [{ key: req.t('sanatorium:field.reason'), value: parsed.data.reason }]
            : []),
        ],
        hint: req.t('sanatorium:sign.keyHint'),
        buttonLabel: req.t('sanatorium:sign.button'),
        cancelHref: `${o.base}/${id}`,
      });
    } catch (err) {
      if (err instanceof ValidationError)
        return renderCard(req, res, 400, { errors: err.fields, values: req.body, failedAction: action });
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  router.post(`${o.base}/:id/:action/sign`, o.guard, async (req, res) => {
    const action = actionOf(req);
    const id = idParam(req);
    const parsed = parse(signedForm, req.body);
    if (!parsed.ok) return renderCard(req, res, 400, { actionError: req.t('errors:EDS_NO_SIGNATURE') });
    try {
      const order = await orders.applyStep(actorOf(req), o.side, id, action, parsed.data);
      flash(req, `sanatorium:flash.${action}`, { number: order.number });
      res.redirect(303, `${o.base}/${id}`);
    } catch (err) {
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });
}
