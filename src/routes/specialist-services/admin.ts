import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { decisionForm } from '../../modules/specialist-services/schemas.js';
import { applicationVm, camelAll } from './view-models.js';

/** «Реестр специалистов» for the administrator: the registry and decisions on applications. */
export function adminSpecialistRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.specialistServices;
  router.use('/admin/specialists', requireRole('admin'));

  router.get('/admin/specialists', async (_req, res) => {
    const view = await area.registry.adminPage();
    res.render('pages/specialist-services/specialist/admin-registry.njk', {
      specialists: camelAll(view.specialists),
      pending: view.pending.map(applicationVm),
      decided: view.decided.map(applicationVm),
    });
  });

  router.post('/admin/specialists/applications/:id', async (req, res) => {
    const form = parseForm(decisionForm, req.body);
    if (!form.ok) throw new AppError('validation', 400);
    const app = await area.registry.decide(
      actorOf(req),
      idParam(req),
      form.data.decision,
      form.data.comment || null,
    );
    flash(req, `services:flash.application.${app.status}`);
    res.redirect(303, '/admin/specialists');
  });

  return router;
}
