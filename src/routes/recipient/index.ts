import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { requireRole } from '../../web/auth-context.js';
import { esobesApiRoutes } from './esobes-api.js';
import { cabinetRoutes } from './cabinet.js';
import { helpRoutes } from './help.js';
import { ordersRoutes } from './orders.js';

/** Recipient cabinet: «Личный кабинет», «Помощь для вас», «Заказанные услуги», «Заказы товаров»; the Е-Собес import API. */
export function recipientRoutes(services: WebServices): Router {
  const router = Router();
  router.use(esobesApiRoutes(services));
  // a recipient, or a guardian acting for a ward (or for themselves)
  router.use(['/cabinet', '/help'], requireRole('recipient', 'guardian'));
  router.use(cabinetRoutes(services));
  router.use(helpRoutes(services));
  router.use(ordersRoutes(services));
  return router;
}
