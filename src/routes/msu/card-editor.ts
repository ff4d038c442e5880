import type { Request, RequestHandler, Response, Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { departmentForm, institutionForm } from '../../modules/msu/schemas.js';
import { AGE_GROUPS, PROFILES, SEXES } from '../../modules/msu/rules.js';
import { departmentInput, institutionInput, NEW_DEPARTMENT_VALUES } from '../../modules/msu/admin-service.js';
import type { DepartmentView } from '../../modules/msu/view-models.js';
import { isUserError, validationFields } from './helpers.js';

/** Where the card editor lives and what its user may change. */
export interface CardEditorScope {
  guard: RequestHandler;
  /** the institution card's path (with `:id` for the administrator) */
  cardPath: string;
  /** a department's path (with `:id`) */
  departmentPath: string;
  /** the institution the request is about */
  institutionId: (req: Request) => Promise<number>;
  /** the page links of an institution */
  links: (institutionId: number) => CardLinks;
  /** the administrator sets beds and switches an institution off; an МСУ uses its signed bed page */
  admin: boolean;
}

export interface CardLinks {
  back: string;
  backLabel: string;
  card: string;
  newDepartment: string;
  /** a department's page is this plus its id */
  department: string;
  /** the signed bed-count page of a department: this plus its id plus '/beds' (МСУ only) */
  beds?: string;
}

/**
 * The institution card and its departments (description, profile, contacts, departments), one editor
 * for the administrator (any institution) and for an МСУ (its own; another's answers 404). The same
 * service methods check the scope; the same views render both.
 */
export function cardEditorRoutes(router: Router, services: WebServices, scope: CardEditorScope): void {
  const admin = services.msu.admin;
  const choices = {
    profiles: PROFILES,
    sexes: SEXES,
    ageGroups: AGE_GROUPS,
    canSetBeds: scope.admin,
    canSetActive: scope.admin,
  };
  const { guard } = scope;

  router.get(scope.cardPath, guard, async (req, res) => {
    const id = await scope.institutionId(req);
    res.render('pages/msu/admin/institution.njk', {
      ...(await admin.institution(actorOf(req), id)),
      ...choices,
      links: scope.links(id),
    });
  });

  router.post(scope.cardPath, guard, async (req, res) => {
    const id = await scope.institutionId(req);
    const form = parseForm(institutionForm, req.body);
    if (!form.ok) {
      const view = await admin.institution(actorOf(req), id);
      return res.status(400).render('pages/msu/admin/institution.njk', {
        ...view,
        ...choices,
        links: scope.links(id),
        values: req.body as object,
        errors: form.errors,
      });
    }
    await admin.updateInstitution(actorOf(req), id, institutionInput(form.data));
    flash(req, 'msu:flash.saved');
    res.redirect(303, scope.links(id).card);
  });

  function renderDepartment(
    res: Response,
    status: number,
    view: { inst: { id: number; name: string }; dept?: DepartmentView },
    values: object,
    errors?: Record<string, string>,
  ) {
    res.status(status).render('pages/msu/admin/department.njk', {
      ...view,
      ...choices,
      links: scope.links(view.inst.id),
      values,
      errors,
    });
  }

  const newPath = `${scope.cardPath}/departments/new`;
  router.get(newPath, guard, async (req, res) => {
    const { inst } = await admin.institution(actorOf(req), await scope.institutionId(req));
    renderDepartment(res, 200, { inst }, NEW_DEPARTMENT_VALUES);
  });

  router.post(newPath, guard, async (req, res) => {
    const id = await scope.institutionId(req);
    const form = parseForm(departmentForm, req.body);
    if (!form.ok) {
      const { inst } = await admin.institution(actorOf(req), id);
      return renderDepartment(res, 400, { inst }, req.body as object, form.errors);
    }
    await admin.addDepartment(actorOf(req), id, departmentInput(form.data));
    flash(req, 'msu:flash.saved');
    res.redirect(303, scope.links(id).card);
  });

  router.get(scope.departmentPath, guard, async (req, res) => {
    const view = await admin.department(actorOf(req), idParam(req));
    renderDepartment(res, 200, view, view.values);
  });

  router.post(scope.departmentPath, guard, async (req: Request, res) => {
    const id = idParam(req);
    const view = await admin.department(actorOf(req), id);
    const form = parseForm(departmentForm, req.body);
    if (!form.ok) return renderDepartment(res, 400, view, req.body as object, form.errors);
    try {
      const r = await admin.updateDepartment(actorOf(req), id, departmentInput(form.data));
      flash(req, r.offered > 0 ? 'msu:flash.bedsChangedOffered' : 'msu:flash.saved', { offered: r.offered });
      res.redirect(303, scope.links(view.inst.id).card);
    } catch (err) {
      const fields = validationFields(err);
      if (fields) return renderDepartment(res, 400, view, req.body as object, fields);
      if (!isUserError(err)) throw err;
      return renderDepartment(res, 400, view, req.body as object, { beds_total: err.code });
    }
  });
}
