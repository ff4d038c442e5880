import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ProgrammeImportRejected } from '../../modules/contracts/index.js';

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

function authorised(req: Request, expected: string | null): boolean {
  const header = req.headers.authorization;
  if (!expected || typeof header !== 'string') return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return Boolean(m && crypto.timingSafeEqual(digest(m[1]!), digest(expected)));
}

/**
 * `POST /api/esobes/ippsu`: the individual programmes of special social services (ИППСУ) from
 * АИС «Е-Собес» (JSON, `Authorization: Bearer <token>`, the same token as the IPR import). 200 with
 * the counts; 400 with per-field errors and nothing stored; 401 without the right token.
 */
export function ippsuApiRoutes(services: WebServices): Router {
  const router = Router();
  router.post('/api/esobes/ippsu', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (!authorised(req, services.config.esobesToken)) {
      res.set('WWW-Authenticate', 'Bearer realm="esobes"');
      res.status(401).json({ error: 'unauthorized', message: 'A valid Bearer token is required.' });
      return;
    }
    if (!req.is('application/json')) {
      res
        .status(415)
        .json({ error: 'unsupported_media_type', message: 'Send the batch as application/json.' });
      return;
    }
    try {
      const result = await services.contracts.programmes.importBatch(req.body);
      req.log?.info({ ...result }, 'ИППСУ batch imported');
      res.json({ ok: true, ...result });
    } catch (err) {
      if (err instanceof ProgrammeImportRejected) {
        res
          .status(400)
          .json({ error: 'validation', message: 'The batch was not stored.', fields: err.fields });
        return;
      }
      throw err;
    }
  });
  return router;
}
