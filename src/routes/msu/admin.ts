import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { departmentForm, institutionForm, registerForm } from '../../modules/msu/schemas.js';
import { AGE_GROUPS, PROFILES, SEXES } from '../../modules/msu/rules.js';
import { departmentInput, institutionInput, NEW_DEPARTMENT_VALUES } from '../../modules/msu/admin-service.js';
import type { DepartmentView } from '../../modules/msu/view-models.js';
import { isUserError, renderRefused, validationFields } from './helpers.js';

const adminOnly = requireRole('admin');

/** Administrators' МСУ registry: institutions (description, contacts), departments and beds. */
export function msuAdminRoutes(services: WebServices): Router {
  const router = Router();
  const admin = services.msu.admin;
  const choices = { profiles: PROFILES, sexes: SEXES, ageGroups: AGE_GROUPS };

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

  router.get('/admin/msu/institutions/:id', adminOnly, async (req, res) => {
    res.render('pages/msu/admin/institution.njk', await admin.institution(idParam(req)));
  });

  router.post('/admin/msu/institutions/:id', adminOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(institutionForm, req.body);
    if (!form.ok) {
      const view = await admin.institution(id);
      return res.status(400).render('pages/msu/admin/institution.njk', {
        ...view,
        values: req.body as object,
        errors: form.errors,
      });
    }
    await admin.updateInstitution(actorOf(req), id, institutionInput(form.data));
    flash(req, 'msu:flash.saved');
    res.redirect(303, `/admin/msu/institutions/${id}`);
  });

  function renderDepartment(
    res: Response,
    status: number,
    view: { inst: { id: number; name: string }; dept?: DepartmentView },
    values: object,
    errors?: Record<string, string>,
  ) {
    res.status(status).render('pages/msu/admin/department.njk', { ...view, ...choices, values, errors });
  }

  router.get('/admin/msu/institutions/:id/departments/new', adminOnly, async (req, res) => {
    const { inst } = await admin.institution(idParam(req));
    renderDepartment(res, 200, { inst }, NEW_DEPARTMENT_VALUES);
  });

  router.post('/admin/msu/institutions/:id/departments/new', adminOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(departmentForm, req.body);
    if (!form.ok) {
      const { inst } = await admin.institution(id);
      return renderDepartment(res, 400, { inst }, req.body as object, form.errors);
    }
    await admin.addDepartment(actorOf(req), id, departmentInput(form.data));
    flash(req, 'msu:flash.saved');
    res.redirect(303, `/admin/msu/institutions/${id}`);
  });

  router.get('/admin/msu/departments/:id', adminOnly, async (req, res) => {
    const view = await admin.department(idParam(req));
    renderDepartment(res, 200, view, view.values);
  });

  router.post('/admin/msu/departments/:id', adminOnly, async (req: Request, res) => {
    const id = idParam(req);
    const form = parseForm(departmentForm, req.body);
    const view = await admin.department(id);
    if (!form.ok) return renderDepartment(res, 400, view, req.body as object, form.errors);
    try {
      const r = await admin.updateDepartment(actorOf(req), id, departmentInput(form.data));
      flash(req, r.offered > 0 ? 'msu:flash.bedsChangedOffered' : 'msu:flash.saved', { offered: r.offered });
      res.redirect(303, `/admin/msu/institutions/${view.inst.id}`);
    } catch (err) {
      const fields = validationFields(err);
      if (fields) return renderDepartment(res, 400, view, req.body as object, fields);
      if (!isUserError(err)) throw err;
      return renderDepartment(res, 400, view, req.body as object, { beds_total: err.code });
    }
  });

  return router;
}
