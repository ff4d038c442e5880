import type { RequestHandler } from 'express';
import type { WebServices } from '../../modules/index.js';

/**
 * What every page shows from administered content: active maintenance/failure banners and the
 * contact-centre phone (res.locals.banners, res.locals.contactPhone). Filled by the admin module,
 * which keeps them in memory for a few seconds (several instances share the database).
 */
export function siteLocals(services: WebServices): RequestHandler {
  return async (req, res, next) => {
    try {
      const s = await services.admin.site.siteLocals(req.lang ?? 'ru');
      res.locals.banners = s.banners;
      res.locals.contactPhone = s.contactPhone;
    } catch (err) {
      // a page without its banner is better than no page
      services.logger.warn({ err: String(err) }, 'site locals unavailable');
    }
    next();
  };
}
