import { Router } from 'express';
import type { Services } from '../../modules/index.js';

/** Recipient cabinet: «Личный кабинет», «Помощь для вас», «Заказанные услуги», «Заказы товаров». */
export function recipientRoutes(_services: Services): Router {
  const router = Router();
  return router;
}
