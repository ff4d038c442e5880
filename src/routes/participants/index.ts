import { Router, type RequestHandler } from 'express';
import type { WebServices } from '../../modules/index.js';
import { staffRoutes } from './staff.js';
import { standingRoutes } from './admin.js';
import { participantRoutes } from './registration.js';

/**
 * The participants: supplier registration and the organisation card (registration.ts), the
 * organisation's own staff (staff.ts), the administrator's suspension and exclusion (admin.ts).
 */
export function participantsRoutes(services: WebServices, limiter: RequestHandler): Router {
  const router = Router();
  router.use(participantRoutes(services, limiter));
  router.use(staffRoutes(services));
  router.use(standingRoutes(services));
  return router;
}
