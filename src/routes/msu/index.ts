import { Router } from 'express';
import type { Services } from '../../modules/index.js';

/** МСУ: catalogue, enrolment and queue, institution cabinet, public open data. */
export function msuRoutes(_services: Services): Router {
  const router = Router();
  return router;
}
