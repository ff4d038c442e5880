import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { renderSignStep } from '../../web/sign-step.js';
import {
  courierForm,
  emptyForm,
  handoverForm,
  parseForm,
  reasonForm,
  reserveForm,
  signedForm,
  supplierOrdersQuery,
} from '../../modules/goods/schemas.js';
import {
  FULFILMENTS,
  GOODS_STATUSES,
  isGoodsAction,
  isHandover,
  type GoodsAction,
} from '../../modules/goods/rules.js';
import {
  RECIPIENT_ACTIONS,
  type StepInput,
  type SupplierAction,
} from '../../modules/goods/orders-service.js';
import { idParam, queryWithout, userError } from './helpers.js';
import { parseFilters } from '../../web/filters.js';

const employee = requireRole('employee');

function supplierAction(req: Request): SupplierAction {
  const a = String(req.params.action ?? '');
  if (!isGoodsAction(a) || (RECIPIENT_ACTIONS as readonly string[]).includes(a)) throw new NotFoundError();
  return a as SupplierAction;
}

function schemaFor(action: GoodsAction): z.ZodType<StepInput, unknown> {
  if (action === 'reserve') return reserveForm;
  if (action === 'decline') return reasonForm;
  if (action === 'hand_to_courier') return courierForm;
  if (isHandover(action)) return handoverForm;
  return emptyForm as z.ZodType<StepInput, unknown>;
}

/** The supplier's incoming goods orders: list with filters, the card, every step signed with the employee's key. */
export function supplierOrdersRoutes(services: WebServices): Router {
  const router = Router();
  const orders = services.goods.orders;

  router.get('/supplier/orders', employee, async (req, res) => {
    const filter = parseFilters(supplierOrdersQuery, req);
    const data = await orders.supplierOrders(actorOf(req), filter);
    res.render('pages/supplier/orders.njk', {
      ...data,
      filter,
      statuses: GOODS_STATUSES,
      fulfilments: FULFILMENTS,
      pageQuery: queryWithout(req.query as Record<string, unknown>, 'page'),
    });
  });

  async function renderCard(
    req: Request,
    res: Response,
    status: number,
    extra: Record<string, unknown> = {},
  ) {
    const view = await orders.supplierOrder(actorOf(req), idParam(req));
    res.status(status).render('pages/supplier/order.njk', { ...view, ...extra });
  }

  router.get('/supplier/orders/:id', employee, async (req, res) => {
    await renderCard(req, res, 200);
  });

  router.post('/supplier/orders/:id/:action', employee, async (req, res) => {
    const action = supplierAction(req);
    const id = idParam(req);
    const parsed = parseForm(schemaFor(action), req.body);
    if (!parsed.ok)
      return renderCard(req, res, 400, { errors: parsed.errors, values: req.body, failedAction: action });
    try {
      const step = await orders.prepareStep(actorOf(req), 'supplier', id, action, parsed.data, req.lang);
      renderSignStep(res, 'pages/goods/sign.njk', {
        ...step,
        heading: req.t(`goods:sign.${action}.title`),
        lead: req.t(`goods:sign.${action}.lead`),
        action: `/supplier/orders/${id}/${action}/sign`,
        backHref: `/supplier/orders/${id}`,
      });
    } catch (err) {
      if (err instanceof ValidationError)
        return renderCard(req, res, 400, { errors: err.fields, values: req.body, failedAction: action });
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  router.post('/supplier/orders/:id/:action/sign', employee, async (req, res) => {
    const action = supplierAction(req);
    const id = idParam(req);
    const parsed = parseForm(signedForm, req.body);
    if (!parsed.ok) return renderCard(req, res, 400, { actionError: req.t('errors:EDS_NO_SIGNATURE') });
    try {
      const order = await orders.applyStep(actorOf(req), 'supplier', id, action, parsed.data);
      flash(req, `goods:flash.${action}`, { number: order.number });
      res.redirect(303, `/supplier/orders/${id}`);
    } catch (err) {
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  return router;
}
