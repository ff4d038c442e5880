import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { recipientGoodsRoutes } from './recipient-goods.js';
import { supplierCabinetRoutes } from './supplier-cabinet.js';
import { supplierOrdersRoutes } from './supplier-orders.js';
import { adminRegistryRoutes } from './admin-registries.js';

/** Supplier cabinet and ТСР goods orders (recipient side at /goods, supplier side at /supplier, registries at /admin). */
export function supplierRoutes(services: WebServices): Router {
  const router = Router();
  router.use(recipientGoodsRoutes(services));
  router.use(supplierCabinetRoutes(services));
  router.use(supplierOrdersRoutes(services));
  router.use(adminRegistryRoutes(services));
  return router;
}
