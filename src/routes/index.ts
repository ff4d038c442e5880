import { Router, type RequestHandler } from 'express';
import type { WebServices } from '../modules/index.js';
import { publicRoutes } from './public/index.js';
import { authRoutes } from './auth/index.js';
import { edsRoutes } from './eds/index.js';
import type { DevStandWeb } from '../web/dev-stand.js';
import { recipientRoutes } from './recipient/index.js';
import { msuRoutes } from './msu/index.js';
import { specialistRoutes } from './specialist-services/index.js';
import { supplierRoutes } from './goods/index.js';
import { adminRoutes } from './admin/index.js';
import { offerRoutes } from './offer/index.js';
import { siteLocals } from './admin/site-locals.js';
import { participantsRoutes } from './participants/index.js';
import { chatAreaRoutes } from './chat/index.js';
import { verificationRoutes } from './verification/index.js';
import { sanatoriumRoutes } from './sanatorium/index.js';
import { outreachRoutes } from './outreach/index.js';
import { contractRoutes } from './contracts/index.js';

export function routes(
  services: WebServices,
  opts: { loginLimiter: RequestHandler; devStand: DevStandWeb | null },
): Router {
  const router = Router();
  router.use(siteLocals(services));
  router.use(publicRoutes(services, opts.devStand));
  router.use(authRoutes(services, opts.loginLimiter));
  router.use(edsRoutes(services));
  // documents anyone can verify (/verify), «Мои Направления», the referral and hand-over PDFs
  router.use(verificationRoutes(services));
  // the dev stand's pages (/dev/…), outside production only
  if (opts.devStand) router.use(opts.devStand.router);
  router.use(recipientRoutes(services));
  router.use(msuRoutes(services));
  router.use(specialistRoutes(services));
  router.use(supplierRoutes(services));
  router.use(participantsRoutes(services, opts.loginLimiter));
  router.use(chatAreaRoutes(services));
  router.use(offerRoutes(services));
  router.use(sanatoriumRoutes(services));
  router.use(outreachRoutes(services));
  router.use(contractRoutes(services));
  router.use(adminRoutes(services));
  return router;
}
