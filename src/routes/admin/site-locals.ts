import type { RequestHandler } from 'express';
import type { Services } from '../../modules/index.js';

/**
 * What every page shows from administered content: active maintenance/failure banners and the
 * contact-centre phone (res.locals.banners, res.locals.contactPhone). Filled by the admin module.
 */
export function siteLocals(_services: Services): RequestHandler {
  return (_req, _res, next) => next();
}
