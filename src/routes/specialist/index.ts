import { Router } from 'express';
import type { Services } from '../../modules/index.js';

/** Specialist services: recipient ordering and «Кабинет специалиста». */
export function specialistRoutes(_services: Services): Router {
  const router = Router();
  return router;
}
