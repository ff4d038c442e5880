import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { idParam } from '../../web/forms.js';
import {
  courierForm,
  emptyForm,
  handoverForm,
  reasonForm,
  reserveForm,
  supplierOrdersQuery,
} from '../../modules/goods/schemas.js';
import {
  FULFILMENTS,
  GOODS_STATUSES,
  isGoodsAction,
  isHandover,
  type GoodsAction,
} from '../../modules/goods/rules.js';
import { RECIPIENT_ACTIONS, type StepInput, type SupplierAction } from '../../modules/goods/order-steps.js';
import { orderCardRoutes, queryWithout } from './helpers.js';
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
  const views = services.goods.views;

  router.get('/supplier/orders', employee, async (req, res) => {
    const filter = parseFilters(supplierOrdersQuery, req);
    const data = await views.supplierOrders(actorOf(req), filter);
    res.render('pages/goods/supplier/orders.njk', {
      ...data,
      filter,
      statuses: GOODS_STATUSES,
      fulfilments: FULFILMENTS,
      pageQuery: queryWithout(req.query as Record<string, unknown>, 'page'),
    });
  });

  orderCardRoutes(router, {
    side: 'supplier',
    base: '/supplier/orders',
    guard: employee,
    steps: services.goods.steps,
    template: 'pages/goods/supplier/order.njk',
    card: async (req) => views.supplierOrder(actorOf(req), idParam(req)),
    action: supplierAction,
    schema: schemaFor,
    failed: (action) => ({ failedAction: action }),
  });

  return router;
}
