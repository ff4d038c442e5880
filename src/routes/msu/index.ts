import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { msuRecipientRoutes } from './recipient.js';
import { msuInstitutionRoutes } from './institution.js';
import { msuOpenDataRoutes } from './open-data.js';
import { msuAdminRoutes } from './admin.js';

/** МСУ: catalogue, enrolment and queue, institution cabinet, public open data, the admin registry. */
export function msuRoutes(services: WebServices): Router {
  const router = Router();
  router.use(msuRecipientRoutes(services));
  router.use(msuInstitutionRoutes(services));
  router.use(msuOpenDataRoutes(services));
  router.use(msuAdminRoutes(services));
  return router;
}
