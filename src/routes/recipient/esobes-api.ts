import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ImportRejected } from '../../modules/entitlements/index.js';
import { batchImportHandler } from '../../web/esobes-import.js';

/**
 * `POST /api/esobes/ipr`: IPR measures from АИС «Е-Собес» (per-field errors name the place, e.g.
 * `iprs.0.measures.1.volume`; answers as src/web/esobes-import.ts says).
 */
export function esobesApiRoutes(services: WebServices): Router {
  const router = Router();
  router.post(
    '/api/esobes/ipr',
    batchImportHandler({
      token: services.config.esobesToken,
      run: (body) => services.entitlements.importIprs(body),
      rejected: (err) => (err instanceof ImportRejected ? err.fields : null),
      logged: (result) => ({ iprs: result.iprs, ...result.measures }),
      message: 'IPR batch imported',
    }),
  );
  return router;
}
