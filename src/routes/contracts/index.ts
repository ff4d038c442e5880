import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { recipientContractRoutes } from './recipient.js';
import { providerContractRoutes } from './provider.js';
import { ippsuApiRoutes } from './esobes-api.js';

/** Special social services by contract (docs/contracts.md). */
export function contractRoutes(services: WebServices): Router {
  const router = Router();
  router.use(ippsuApiRoutes(services));
  router.use(recipientContractRoutes(services));
  router.use(providerContractRoutes(services));
  return router;
}
