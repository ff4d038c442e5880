import { Router, type RequestHandler } from 'express';
import type { WebServices } from '../modules/index.js';
import { publicRoutes } from './public/index.js';
import { authRoutes } from './auth/index.js';
import { edsRoutes } from './eds/index.js';
import { devRoutes } from './dev/index.js';
import { recipientRoutes } from './recipient/index.js';
import { msuRoutes } from './msu/index.js';
import { specialistRoutes } from './specialist/index.js';
import { supplierRoutes } from './supplier/index.js';
import { adminRoutes } from './admin/index.js';
import { siteLocals } from './admin/site-locals.js';

export function routes(services: WebServices, opts: { loginLimiter: RequestHandler }): Router {
  const router = Router();
  router.use(siteLocals(services));
  router.use(publicRoutes(services));
  router.use(authRoutes(services, opts.loginLimiter));
  router.use(edsRoutes(services));
  if (!services.config.isProduction) router.use(devRoutes(services));
  router.use(recipientRoutes(services));
  router.use(msuRoutes(services));
  router.use(specialistRoutes(services));
  router.use(supplierRoutes(services));
  router.use(adminRoutes(services));
  return router;
}
