import { Router } from 'express';
import type { Services } from '../../modules/index.js';

/** Administration and contact-centre requests. */
export function adminRoutes(_services: Services): Router {
  const router = Router();
  return router;
}
