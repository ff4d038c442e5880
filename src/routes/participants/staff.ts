import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { renderSignPage } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { addStaffForm } from '../../modules/participants/schemas.js';
import { GRANT_ACTIONS } from '../../modules/participants/rules.js';
import { maskIin } from '../../lib/iin.js';
import { renderWithFieldErrors } from './helpers.js';

const employee = requireRole('employee');
const PAGE = '/organisation/staff';

/** «Сотрудники» of the organisation cabinet: its head or a staff administrator adds, suspends, resumes, removes. */
export function staffRoutes(services: WebServices): Router {
  const router = Router();
  const staff = services.participants.staff;

  async function renderPage(
    req: Request,
    res: Response,
    status = 200,
    form: { values?: object; errors?: Record<string, string> } = {},
  ) {
    const view = await staff.page(actorOf(req));
    res.status(status).render('pages/participants/staff.njk', { ...view, values: {}, ...form });
  }

  router.get(PAGE, employee, async (req, res) => renderPage(req, res));

  router.post(PAGE, employee, async (req, res) => {
    const form = parseForm(addStaffForm, req.body, 'staff:errors.iinFormat');
    if (!form.ok) return renderPage(req, res, 400, { values: req.body as object, errors: form.errors });
    const t = req.t;
    await renderWithFieldErrors(
      async () => {
        const step = await staff.issueAdd(actorOf(req), form.data);
        renderSignPage(res, {
          signRequest: step.signRequest,
          action: `${PAGE}/sign`,
          caption: t('staff:title'),
          title: t('staff:sign.add.title'),
          rows: [
            { key: t('staff:field.person'), value: step.summary.name },
            { key: t('staff:field.iin'), value: maskIin(step.summary.iin) },
            { key: t('staff:field.role'), value: t(`staff:role.${step.summary.role}`) },
            { key: t('staff:field.orgAdmin'), value: t(step.summary.orgAdmin ? 'common:yes' : 'common:no') },
          ],
          hint: t('staff:sign.hint'),
          buttonLabel: t('staff:sign.button'),
          cancelHref: PAGE,
        });
      },
      (errors) => renderPage(req, res, 400, { values: req.body as object, errors }),
    );
  });

  router.post(`${PAGE}/sign`, employee, async (req, res) => {
    const form = parseForm(signedForm, req.body);
    if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
    await staff.applyAdd(actorOf(req), form.data);
    flash(req, 'staff:flash.added');
    res.redirect(303, PAGE);
  });

  for (const action of GRANT_ACTIONS) {
    router.post(`${PAGE}/:id/${action}`, employee, async (req, res) => {
      const id = idParam(req);
      const t = req.t;
      const step = await staff.issueChange(actorOf(req), id, action);
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `${PAGE}/${id}/${action}/sign`,
        caption: t('staff:title'),
        title: t(`staff:sign.${action}.title`),
        rows: [
          { key: t('staff:field.person'), value: step.grant.person_name },
          { key: t('staff:field.role'), value: t(`staff:role.${step.grant.role}`) },
          { key: t('staff:field.status'), value: t(`staff:grantStatus.${step.to}`) },
        ],
        hint: t('staff:sign.hint'),
        buttonLabel: t('staff:sign.button'),
        cancelHref: PAGE,
      });
    });

    router.post(`${PAGE}/:id/${action}/sign`, employee, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(signedForm, req.body);
      if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
      await staff.applyChange(actorOf(req), id, action, form.data);
      flash(req, `staff:flash.${action}`);
      res.redirect(303, PAGE);
    });
  }

  return router;
}
