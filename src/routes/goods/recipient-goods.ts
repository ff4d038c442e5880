import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { actorOf, requireAuth, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, signedForm } from '../../web/forms.js';
import { renderSignPage } from '../../web/sign-step.js';
import { sendStoredFile } from '../../web/uploads.js';
import {
  chooseMethodForm,
  createOrderForm,
  emptyForm,
  optionalReasonForm,
} from '../../modules/goods/schemas.js';
import { RECIPIENT_ACTIONS, type RecipientAction, type StepInput } from '../../modules/goods/order-steps.js';
import { orderCardRoutes, parseGoodsForm as parseForm, userError } from './helpers.js';
import { createRows, creationWindowView, goodsSignPage } from './view-models.js';

const recipientOnly = requireRole('recipient', 'guardian');
const HELP_TYPE = /^[A-Z][A-Z0-9_]{1,63}$/;

function helpTypeParam(req: Request): string {
  const v = req.params.helpType;
  if (typeof v !== 'string' || !HELP_TYPE.test(v)) throw new NotFoundError();
  return v;
}

function recipientAction(req: Request): RecipientAction {
  const a = String(req.params.action ?? '');
  if (!(RECIPIENT_ACTIONS as readonly string[]).includes(a)) throw new NotFoundError();
  return a as RecipientAction;
}

/** The recipient's side: «Технические средства реабилитации», «Выбрать», «Заказать», the order card. */
export function recipientGoodsRoutes(services: WebServices): Router {
  const router = Router();
  const creation = services.goods.creation;

  /** Photos of goods: the stored type, never sniffed, never rendered as a document. */
  router.get('/goods/photos/:id', requireAuth, async (req, res) => {
    const photo = await services.goods.catalogue.photoFile(actorOf(req), idParam(req));
    sendStoredFile(req, res, photo.file, {
      'Content-Type': photo.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'attachment; filename="photo"',
      'Cache-Control': 'private, max-age=3600',
    });
  });

  router.get('/goods', recipientOnly, async (req, res) => {
    const kinds = await creation.entitled(actorOf(req));
    res.render('pages/goods/kinds.njk', { kinds });
  });

  /** The order card, a step button on it (the document to sign, or the card again), and the signed step. */
  orderCardRoutes(router, {
    side: 'recipient',
    base: '/goods/orders',
    guard: recipientOnly,
    steps: services.goods.steps,
    template: 'pages/goods/order.njk',
    card: async (req) => services.goods.views.recipientOrder(actorOf(req), idParam(req)),
    action: recipientAction,
    schema: (action) =>
      (action === 'cancel' ? optionalReasonForm : emptyForm) as z.ZodType<StepInput, unknown>,
  });

  router.get('/goods/:helpType', recipientOnly, async (req, res) => {
    const offers = await creation.offers(actorOf(req), helpTypeParam(req));
    // the supplier's documents beside each article: its own and the organisation's general ones
    const docs = await services.offer.documents.documentsOf([
      ...new Set(offers.goods.map((g) => g.supplierId)),
    ]);
    res.render('pages/goods/offers.njk', {
      ...offers,
      goods: offers.goods.map((g) => ({
        ...g,
        documents: (docs.get(g.supplierId) ?? []).filter((d) => d.goodsId === null || d.goodsId === g.id),
      })),
    });
  });

  async function renderWindow(
    req: Request,
    res: Response,
    status: number,
    extra: Record<string, unknown> = {},
  ) {
    const w = await creation.creationWindow(actorOf(req), helpTypeParam(req), idParam(req, 'goodsId'));
    const values = { ...w.defaults, ...((extra.values as Record<string, unknown> | undefined) ?? {}) };
    res.status(status).render('pages/goods/create.njk', { ...extra, ...creationWindowView(req, w, values) });
  }

  /** «Заказать»: the creation window. */
  router.get('/goods/:helpType/:goodsId/order', recipientOnly, async (req, res) => {
    await renderWindow(req, res, 200);
  });

  /** «Создать»: the order document to sign. */
  router.post('/goods/:helpType/:goodsId/order', recipientOnly, async (req, res) => {
    const helpType = helpTypeParam(req);
    const goodsId = idParam(req, 'goodsId');
    if ((req.body as { step?: unknown } | undefined)?.step === 'method') {
      // without JavaScript, «Далее» after choosing the method: the same window with that method's fields
      const values = { ...(req.body as Record<string, unknown>) };
      delete values.step;
      const chosen = parseForm(chooseMethodForm, values);
      if (!chosen.ok) return renderWindow(req, res, 400, { errors: chosen.errors, values });
      return renderWindow(req, res, 200, { values });
    }
    const parsed = parseForm(createOrderForm, req.body);
    if (!parsed.ok) return renderWindow(req, res, 400, { errors: parsed.errors, values: req.body });
    try {
      const step = await creation.issueCreate(actorOf(req), helpType, goodsId, parsed.data, req.lang);
      renderSignPage(
        res,
        goodsSignPage(
          req,
          'create',
          step.signRequest,
          createRows(req, step.facts),
          `/goods/${helpType}/${goodsId}/order/sign`,
          `/goods/${helpType}/${goodsId}/order`,
        ),
      );
    } catch (err) {
      if (err instanceof ValidationError)
        return renderWindow(req, res, 400, { errors: err.fields, values: req.body });
      const u = userError(err);
      if (u)
        return renderWindow(req, res, u.status, { actionError: req.t(u.key, u.params), values: req.body });
      throw err;
    }
  });

  router.post('/goods/:helpType/:goodsId/order/sign', recipientOnly, async (req, res) => {
    helpTypeParam(req);
    const goodsId = idParam(req, 'goodsId');
    const parsed = parseForm(signedForm, req.body);
    if (!parsed.ok) return renderWindow(req, res, 400, { actionError: req.t('errors:EDS_NO_SIGNATURE') });
    try {
      const order = await creation.applyCreate(actorOf(req), goodsId, parsed.data);
      flash(req, 'goods:flash.created', { number: order.number });
      res.redirect(303, `/goods/orders/${order.id}`);
    } catch (err) {
      const u = userError(err);
      if (u) return renderWindow(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  return router;
}
