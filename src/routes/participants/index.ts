import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { staffRoutes } from './staff.js';
import { standingRoutes } from './admin.js';

/** The organisation's staff and the administrator's suspension and exclusion of participants. */
export function participantsRoutes(services: WebServices): Router {
  const router = Router();
  router.use(staffRoutes(services));
  router.use(standingRoutes(services));
  return router;
}
