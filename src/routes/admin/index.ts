import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { requireRole } from '../../web/auth-context.js';
import { infoRoutes } from './info.js';
import { supportRoutes } from './support.js';
import { supportDeskRoutes } from './support-desk.js';
import { usersRoutes } from './users.js';
import { auditRoutes } from './audit.js';
import { contentRoutes } from './content.js';
import { reportsRoutes } from './reports.js';
import { exchangeRoutes } from './exchange.js';

/**
 * Administration and contact-centre requests: the public information pages (/info), a participant's
 * requests (/support), and the cabinet at /admin — the contact centre's desk for operators and
 * administrators, everything else for administrators only.
 */
export function adminRoutes(services: WebServices): Router {
  const router = Router();
  router.use(infoRoutes(services));
  router.use(supportRoutes(services));

  const admin = Router();
  admin.use(requireRole('admin', 'operator'));
  admin.get('/', async (req, res) => {
    const summary = await services.admin.support.summary();
    res.render('pages/admin/index.njk', {
      summary,
      isAdmin: Boolean(req.session.auth?.roles.includes('admin')),
    });
  });
  admin.use('/support', supportDeskRoutes(services));
  admin.use(requireRole('admin'));
  admin.use(usersRoutes(services));
  admin.use(auditRoutes(services));
  admin.use(contentRoutes(services));
  admin.use(reportsRoutes(services));
  admin.use(exchangeRoutes(services));

  router.use('/admin', admin);
  return router;
}
