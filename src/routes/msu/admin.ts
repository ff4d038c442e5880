import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { registerForm } from '../../modules/msu/schemas.js';
import { renderRefused } from './helpers.js';
import { cardEditorRoutes } from './card-editor.js';

const adminOnly = requireRole('admin');

/** Administrators' МСУ registry: institutions (description, contacts), departments and beds. */
export function msuAdminRoutes(services: WebServices): Router {
  const router = Router();
  const admin = services.msu.admin;

  router.get('/admin/msu', adminOnly, async (_req, res) => {
    res.render('pages/msu/admin/list.njk', await admin.list());
  });

  router.post('/admin/msu/register', adminOnly, async (req, res) => {
    const form = parseForm(registerForm, req.body);
    if (!form.ok) return res.redirect(303, '/admin/msu');
    try {
      const id = await admin.register(actorOf(req), form.data.organisation);
      flash(req, 'msu:flash.registered');
      res.redirect(303, `/admin/msu/institutions/${id}`);
    } catch (err) {
      renderRefused(req, res, err, '/admin/msu');
    }
  });

  // the card editor, shared with the МСУ's own (routes/msu/institution.ts)
  cardEditorRoutes(router, services, {
    guard: adminOnly,
    cardPath: '/admin/msu/institutions/:id',
    departmentPath: '/admin/msu/departments/:id',
    institutionId: (req) => Promise.resolve(idParam(req)),
    links: (id) => ({
      back: '/admin/msu',
      backLabel: 'msu:admin.title',
      card: `/admin/msu/institutions/${id}`,
      newDepartment: `/admin/msu/institutions/${id}/departments/new`,
      department: '/admin/msu/departments/',
    }),
    admin: true,
  });

  return router;
}
