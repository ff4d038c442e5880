import { Router } from 'express';
import type { Services } from '../../modules/index.js';

/** Supplier cabinet and ТСР goods orders. */
export function supplierRoutes(_services: Services): Router {
  const router = Router();
  return router;
}
