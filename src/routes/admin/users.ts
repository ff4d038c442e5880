import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { emptyForm, grantForm, usersQuery, INVALID } from '../../modules/admin/schemas.js';
import { GRANTABLE_ROLES } from '../../modules/admin/users-service.js';
import { idParam, parseForm } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import { grantView, personListView, personView } from './view-models.js';

/** Users and roles (administrators only). */
export function usersRoutes(services: WebServices): Router {
  const router = Router();
  const { users } = services.admin;

  router.get('/users', async (req, res) => {
    const q = parseFilters(usersQuery, req);
    const result = await users.search({ q: q.q ?? '', role: q.role ?? '', page: q.page ?? 1 });
    res.render('pages/admin/users.njk', {
      ...result,
      rows: result.rows.map(personListView),
      q: q.q ?? '',
      role: q.role ?? '',
      page: q.page ?? 1,
    });
  });

  const renderPerson = async (
    req: Request,
    res: Response,
    extra: { errors?: Record<string, string>; values?: unknown } = {},
  ) => {
    const id = idParam(req);
    const [view, organisations] = await Promise.all([users.show(id), users.organisations()]);
    res.render('pages/admin/user.njk', {
      person: personView(view.person),
      grants: view.grants.map(grantView),
      organisations,
      grantable: GRANTABLE_ROLES,
      isSelf: id === req.session.auth?.personId,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  router.get('/users/:id', (req, res) => renderPerson(req, res));

  router.post('/users/:id/roles', async (req, res) => {
    const form = parseForm(grantForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderPerson(req, res, { errors: form.errors, values: req.body });
    }
    try {
      await users.grant(actorOf(req), idParam(req), form.data.role, form.data.organisationId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'admin:errors.organisationRequired') {
        res.status(400);
        return renderPerson(req, res, { errors: { organisationId: err.code }, values: req.body });
      }
      throw err;
    }
    flash(req, 'admin:flash.roleGranted');
    res.redirect(303, `/admin/users/${idParam(req)}`);
  });

  router.post('/users/:id/roles/:grantId/revoke', async (req, res) => {
    parseForm(emptyForm, req.body);
    await users.revoke(actorOf(req), idParam(req), idParam(req, 'grantId'));
    flash(req, 'admin:flash.roleRevoked');
    res.redirect(303, `/admin/users/${idParam(req)}`);
  });

  return router;
}
