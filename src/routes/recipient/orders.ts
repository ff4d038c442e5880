import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { FilterError, type OrderSection } from '../../modules/order-list/index.js';
import { orderListQuery, type OrderListQuery } from '../../modules/order-list/schemas.js';
import { actorOf } from '../../web/auth-context.js';
import type { FormErrors } from './cabinet.js';

/**
 * «Заказанные услуги» (МСУ, УЖЯ/УИП and every kind registered for the section) and «Заказы товаров»:
 * one list over the order kinds' registry, each row with the actions its kind's machine gives the
 * recipient (the kind's own pages) and «Просмотреть причины»; filter by kind, status and dates (GET).
 */
export function ordersRoutes(services: WebServices): Router {
  const router = Router();
  const lists = services.orderList.lists;

  async function list(req: Request, res: Response, section: OrderSection) {
    const parsed = orderListQuery.safeParse(req.query);
    const raw = req.query as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const filter = {
      type: text(raw.type),
      status: text(raw.status),
      from: text(raw.from),
      to: text(raw.to),
    };
    let errors: FormErrors | undefined;
    let query: OrderListQuery = {};
    if (parsed.success) query = parsed.data;
    else {
      errors = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'type');
        errors[field] ??= req.t(
          field === 'from' || field === 'to' ? 'orderlist:errors.filterDate' : 'orderlist:errors.filterValue',
        );
      }
    }
    const actor = actorOf(req);
    // a filter that does not parse, or names no kind or status of this list: the whole list, and why
    let data;
    try {
      data = await lists.list(actor, section, errors ? {} : query, req.lang);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, req.t(v)]));
      data = await lists.list(actor, section, {}, req.lang);
    }
    const params = new URLSearchParams();
    if (!errors) for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
    res.status(errors ? 400 : 200).render('pages/recipient/orders.njk', {
      section,
      data,
      filter,
      errors,
      baseHref: `/cabinet/${section}?${params.toString()}${params.size ? '&' : ''}page=`,
    });
  }

  router.get('/cabinet/services', (req, res) => list(req, res, 'services'));
  router.get('/cabinet/goods', (req, res) => list(req, res, 'goods'));

  router.get('/cabinet/orders/:number', async (req, res) => {
    res.redirect(303, await services.entitlements.cabinet.orderHref(actorOf(req), String(req.params.number)));
  });

  return router;
}
