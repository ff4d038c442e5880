import type { Request, Response } from 'express';
import { flash } from '../../web/flash.js';

/**
 * Shows a one-shot message on the next page and redirects there once the session (holding the
 * message) is stored: express-session writes the redirect's headers before its own save finishes,
 * so a fast browser could otherwise load the next page without the message.
 */
export function flashAndRedirect(
  req: Request,
  res: Response,
  url: string,
  key: string,
  kind: 'success' | 'info' = 'success',
): Promise<void> {
  flash(req, key, undefined, kind);
  return new Promise((resolve, reject) =>
    req.session.save((err) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      res.redirect(303, url);
      resolve();
    }),
  );
}
