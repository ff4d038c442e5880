import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ProgrammeImportRejected } from '../../modules/contracts/index.js';
import { batchImportHandler } from '../../web/esobes-import.js';

/**
 * `POST /api/esobes/ippsu`: the individual programmes of special social services (ИППСУ) from
 * АИС «Е-Собес» (the same token as the IPR import; answers as src/web/esobes-import.ts says).
 */
export function ippsuApiRoutes(services: WebServices): Router {
  const router = Router();
  router.post(
    '/api/esobes/ippsu',
    batchImportHandler({
      token: services.config.esobesToken,
      run: (body) => services.contracts.programmes.importBatch(body),
      rejected: (err) => (err instanceof ProgrammeImportRejected ? err.fields : null),
      logged: (result) => ({ ...result }),
      message: 'ИППСУ batch imported',
    }),
  );
  return router;
}
