import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { decisionForm } from '../../modules/specialist-services/schemas.js';
import { idOf } from './helpers.js';

/** «Реестр специалистов» for the administrator: the registry and decisions on applications. */
export function adminSpecialistRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.specialistServices;
  router.use('/admin/specialists', requireRole('admin'));

  router.get('/admin/specialists', async (_req, res) => {
    res.render('pages/specialist/admin-registry.njk', await area.registry.adminPage());
  });

  router.post('/admin/specialists/applications/:id', async (req, res) => {
    const form = decisionForm.safeParse(req.body);
    if (!form.success) throw new AppError('validation', 400);
    const app = await area.registry.decide(
      actorOf(req),
      idOf(req.params.id),
      form.data.decision,
      form.data.comment || null,
    );
    flash(req, `services:flash.application.${app.status}`);
    res.redirect(303, '/admin/specialists');
  });

  return router;
}
