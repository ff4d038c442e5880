/**
 * A batch import endpoint of АИС «Е-Собес» (JSON, `Authorization: Bearer <token>`, the token of
 * `ESOBES_API_TOKEN`): 200 with the counts; 400 with per-field errors and nothing stored; 401 without
 * the right token; 415 for anything but JSON. CSRF does not apply under /api/.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

function authorised(req: Request, expected: string | null): boolean {
  const header = req.headers.authorization;
  if (!expected || typeof header !== 'string') return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return Boolean(m && crypto.timingSafeEqual(digest(m[1]!), digest(expected)));
}

export interface BatchImport<R extends object> {
  token: string | null;
  /** stores the batch whole, or throws */
  run: (body: unknown) => Promise<R>;
  /** the per-field errors of a batch refused whole, or null for any other error */
  rejected: (err: unknown) => Record<string, string> | null;
  /** what the log line says of a stored batch */
  logged: (result: R) => Record<string, unknown>;
  message: string;
}

export function batchImportHandler<R extends object>(o: BatchImport<R>): RequestHandler {
  return async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (!authorised(req, o.token)) {
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
      const result = await o.run(req.body);
      req.log?.info(o.logged(result), o.message);
      res.json({ ok: true, ...result });
    } catch (err) {
      const fields = o.rejected(err);
      if (!fields) throw err;
      res.status(400).json({ error: 'validation', message: 'The batch was not stored.', fields });
    }
  };
}
