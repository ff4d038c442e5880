import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ordersQuery, type OrdersQuery } from '../../modules/entitlements/schemas.js';
import { actorOf } from '../../web/auth-context.js';
import type { FormErrors } from './cabinet.js';

/**
 * «Заказанные услуги» (filter МСУ / УЖЯ/УИП, status, dates, pages) and «Заказы товаров»: generic lists
 * over the shared orders table; each number opens the card of the module that owns the order.
 */
export function ordersRoutes(services: WebServices): Router {
  const router = Router();
  const cabinet = services.entitlements.cabinet;

  async function list(req: Request, res: Response, section: 'services' | 'goods') {
    const parsed = ordersQuery.safeParse(req.query);
    let query: OrdersQuery = {};
    let errors: FormErrors | undefined;
    if (parsed.success) {
      query = parsed.data;
      if (query.from && query.to && query.from > query.to)
        errors = { from: req.t('entitlements:errors.filterRange') };
    } else {
      errors = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'type');
        errors[field] ??= req.t(
          field === 'from' || field === 'to'
            ? 'entitlements:errors.filterDate'
            : 'entitlements:errors.filterValue',
        );
      }
    }
    const raw = req.query as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const filter = parsed.success
      ? { type: query.type ?? '', status: query.status ?? '', from: query.from ?? '', to: query.to ?? '' }
      : { type: text(raw.type), status: text(raw.status), from: text(raw.from), to: text(raw.to) };
    const data = await cabinet.orders(actorOf(req), section, errors ? {} : query, req.lang);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v && !errors) params.set(k, v);
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
    res.redirect(303, await cabinet.orderHref(actorOf(req), String(req.params.number)));
  });

  return router;
}
