import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { recipientServiceRoutes } from './recipient.js';
import { specialistCabinetRoutes } from './cabinet.js';
import { adminSpecialistRoutes } from './admin.js';

/**
 * Specialist services: recipient ordering (/services/*), «Кабинет специалиста» (/specialist/*) and
 * the administrator's registry (/admin/specialists). Each part guards only its own path prefix.
 */
export function specialistRoutes(services: WebServices): Router {
  const router = Router();
  router.use(recipientServiceRoutes(services));
  router.use(specialistCabinetRoutes(services));
  router.use(adminSpecialistRoutes(services));
  return router;
}
