import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { departmentForm, institutionForm, registerForm } from '../../modules/msu/schemas.js';
import { AGE_GROUPS, PROFILES, SEXES } from '../../modules/msu/rules.js';
import type { DepartmentInput, InstitutionInput } from '../../modules/msu/admin-service.js';
import type { DepartmentRow, InstitutionRow } from '../../modules/msu/repository.js';
import { idParam, isUserError, messageOf, parseForm, validationFields } from './helpers.js';

const adminOnly = requireRole('admin');

type InstitutionFormData = ReturnType<typeof institutionForm.parse>;
type DepartmentFormData = ReturnType<typeof departmentForm.parse>;

function institutionValues(i: InstitutionRow): Record<string, string> {
  return {
    name: i.name,
    description_ru: i.description.ru ?? '',
    description_kk: i.description.kk ?? '',
    description_en: i.description.en ?? '',
    arrival_ru: i.arrival_info.ru ?? '',
    arrival_kk: i.arrival_info.kk ?? '',
    arrival_en: i.arrival_info.en ?? '',
    region: i.region,
    locality: i.locality,
    address: i.address,
    phone: i.phone ?? '',
    email: i.email ?? '',
    working_hours: i.working_hours,
    active: i.active ? 'yes' : 'no',
  };
}

function institutionInput(f: InstitutionFormData): InstitutionInput {
  const s = (k: string) => String((f as Record<string, unknown>)[k] ?? '');
  return {
    name: f.name,
    description: { ru: s('description_ru'), kk: s('description_kk'), en: s('description_en') },
    arrival_info: { ru: s('arrival_ru'), kk: s('arrival_kk'), en: s('arrival_en') },
    region: f.region,
    locality: f.locality,
    address: f.address,
    phone: f.phone || null,
    email: f.email || null,
    working_hours: f.working_hours,
    active: f.active !== 'no',
  };
}

function departmentValues(d: DepartmentRow): Record<string, string> {
  return {
    name_ru: d.name.ru ?? '',
    name_kk: d.name.kk ?? '',
    name_en: d.name.en ?? '',
    profile: d.profile,
    sex: d.sex,
    age_group: d.age_group,
    beds_total: String(d.beds_total),
    active: d.active ? 'yes' : 'no',
    reason: '',
  };
}

function departmentInput(f: DepartmentFormData): DepartmentInput {
  return {
    name: { ru: f.name_ru, kk: f.name_kk, en: f.name_en },
    profile: f.profile,
    sex: f.sex,
    age_group: f.age_group,
    beds_total: f.beds_total,
    active: f.active !== 'no',
    reason: f.reason,
  };
}

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
      if (!isUserError(err)) throw err;
      res.status(409).render('pages/msu/refused.njk', { message: messageOf(req, err), back: '/admin/msu' });
    }
  });

  router.get('/admin/msu/institutions/:id', adminOnly, async (req, res) => {
    const view = await admin.institution(idParam(req));
    res.render('pages/msu/admin/institution.njk', { ...view, values: institutionValues(view.inst) });
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

  async function renderDepartment(
    res: Response,
    status: number,
    view: { inst: InstitutionRow; dept?: DepartmentRow },
    values: object,
    errors?: Record<string, string>,
  ) {
    res.status(status).render('pages/msu/admin/department.njk', { ...view, ...choices, values, errors });
  }

  router.get('/admin/msu/institutions/:id/departments/new', adminOnly, async (req, res) => {
    const { inst } = await admin.institution(idParam(req));
    await renderDepartment(
      res,
      200,
      { inst },
      { profile: 'general', sex: 'any', age_group: 'adults', beds_total: '0', active: 'yes' },
    );
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
    await renderDepartment(res, 200, view, departmentValues(view.dept));
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
      return renderDepartment(res, 400, view, req.body as object, {
        beds_total: (err as { code: string }).code,
      });
    }
  });

  return router;
}
