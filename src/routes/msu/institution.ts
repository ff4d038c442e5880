import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { SignedInput } from '../../modules/signing/signed-steps.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { parseReason, renderReasonPage, renderSignPage, type ReasonPage } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { bedsForm, cabinetQuery, reasonForm } from '../../modules/msu/schemas.js';
import { parseFilters } from '../../web/filters.js';
import { isUserError, renderRefused, textIn } from './helpers.js';
import { cardEditorRoutes } from './card-editor.js';

const employeeOnly = requireRole('employee');

/** The institution cabinet: incoming orders, arrival, no-show, discharge, bed counts (signed steps). */
export function msuInstitutionRoutes(services: WebServices): Router {
  const router = Router();
  const inst = services.msu.institution;
  // an employee of another kind of organisation is refused before any form or signature is read
  router.use('/institution', employeeOnly, async (req, _res, next) => {
    await inst.institutionOf(actorOf(req));
    next();
  });

  // the МСУ's own card: departments, descriptions, profiles and contacts (the administrator's editor)
  cardEditorRoutes(router, services, {
    guard: employeeOnly,
    cardPath: '/institution/card',
    departmentPath: '/institution/card/departments/:id',
    institutionId: (req) => services.msu.admin.ownInstitutionId(actorOf(req)),
    links: () => ({
      back: '/institution',
      backLabel: 'msu:institution.title',
      card: '/institution/card',
      newDepartment: '/institution/card/departments/new',
      department: '/institution/card/departments/',
      beds: '/institution/departments/',
    }),
    admin: false,
  });

  router.get('/institution', employeeOnly, async (req, res) => {
    const q = parseFilters(cabinetQuery, req);
    const view = await inst.cabinet(actorOf(req), {
      status: q.status,
      departmentId: q.department,
      page: q.page ?? 1,
    });
    res.render('pages/msu/institution/cabinet.njk', { ...view, filter: q, page: q.page ?? 1 });
  });

  router.get('/institution/orders/:id', employeeOnly, async (req, res) => {
    res.render('pages/msu/institution/order.njk', await inst.orderCard(actorOf(req), idParam(req)));
  });

  /** The signed post of a step: done → `done` with a note; refused → why, with the way back. */
  function signedStep<T>(
    path: string,
    apply: (req: Request, id: number, input: SignedInput) => Promise<T>,
    done: (req: Request, id: number, result: T) => string,
    back: (id: number) => string,
  ) {
    router.post(path, employeeOnly, async (req, res) => {
      const id = idParam(req);
      try {
        const form = parseForm(signedForm, req.body);
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        res.redirect(303, done(req, id, await apply(req, id, form.data)));
      } catch (err) {
        renderRefused(req, res, err, back(id));
      }
    });
  }

  const orderPage = (id: number) => `/institution/orders/${id}`;

  /** The sign page of a step on an order: who, which department, the new status (and the reason). */
  function renderStepSign(
    req: Request,
    res: Response,
    step: Awaited<ReturnType<typeof inst.startArrival>>,
    path: 'arrival' | 'no-show' | 'discharge',
    action: string,
  ) {
    const t = req.t;
    const rows = [
      { key: t('msu:order.recipient'), value: step.recipient },
      { key: t('msu:order.department'), value: textIn(step.department, req.lang) },
      { key: t('msu:signStep.newStatus'), value: t(`msu:status.${step.to}`) },
    ];
    if (path === 'discharge') rows.push({ key: t('msu:reasonForm.label'), value: step.reason ?? '' });
    renderSignPage(res, {
      signRequest: step.signRequest,
      action,
      caption: t('msu:order.title', { number: step.order.number }),
      title: t(`msu:signStep.${path}.title`),
      rows,
      hint: t(`msu:signStep.${path}.hint`),
      buttonLabel: t('msu:button.sign'),
      cancelHref: orderPage(step.order.id),
    });
  }

  // ---------------------------------------------------------------- arrival and no-show: confirm → sign

  function plainStep(path: 'arrival' | 'no-show', doneKey: string) {
    router.get(`/institution/orders/:id/${path}`, employeeOnly, async (req, res) => {
      const id = idParam(req);
      try {
        const step =
          path === 'arrival'
            ? await inst.startArrival(actorOf(req), id)
            : await inst.startNoShow(actorOf(req), id);
        renderStepSign(req, res, step, path, `/institution/orders/${id}/${path}`);
      } catch (err) {
        renderRefused(req, res, err, orderPage(id));
      }
    });

    signedStep(
      `/institution/orders/:id/${path}`,
      (req, id, input) =>
        path === 'arrival'
          ? inst.markArrived(actorOf(req), id, input)
          : inst.markNoShow(actorOf(req), id, input),
      (req, id) => {
        flash(req, doneKey);
        return orderPage(id);
      },
      orderPage,
    );
  }
  plainStep('arrival', 'msu:flash.arrived');
  plainStep('no-show', 'msu:flash.noShow');

  // ---------------------------------------------------------------- discharge: reason → sign

  async function dischargePage(req: Request, id: number): Promise<ReasonPage> {
    const t = req.t;
    const { order } = await inst.orderCard(actorOf(req), id);
    return {
      caption: t('msu:order.title', { number: order.number }),
      title: t('msu:discharge.title'),
      lead: t('msu:discharge.lead'),
      reason: { label: t('msu:reasonForm.label'), hint: t('msu:reasonForm.hint') },
      errorPrefix: t('msu:errorPrefix'),
      formAction: `/institution/orders/${id}/discharge`,
      submitLabel: t('msu:button.sign'),
      backHref: orderPage(id),
    };
  }

  router.get('/institution/orders/:id/discharge', employeeOnly, async (req, res) => {
    renderReasonPage(res, await dischargePage(req, idParam(req)));
  });

  router.post('/institution/orders/:id/discharge', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = await parseReason(req, res, reasonForm, () => dischargePage(req, id));
    if (!form) return;
    try {
      const step = await inst.startDischarge(actorOf(req), id, form.reason);
      renderStepSign(req, res, step, 'discharge', `/institution/orders/${id}/discharge/sign`);
    } catch (err) {
      renderRefused(req, res, err, orderPage(id));
    }
  });

  signedStep(
    '/institution/orders/:id/discharge/sign',
    (req, id, input) => inst.discharge(actorOf(req), id, input),
    (req, id) => {
      flash(req, 'msu:flash.discharged');
      return orderPage(id);
    },
    orderPage,
  );

  // ---------------------------------------------------------------- bed counts: total + reason → sign

  const bedsPage = (id: number) => `/institution/departments/${id}/beds`;

  async function renderBeds(
    req: Request,
    res: Response,
    id: number,
    status: number,
    form: { values?: object; errors?: Record<string, string>; errorParams?: object },
  ) {
    const view = await inst.bedsPage(actorOf(req), id);
    res.status(status).render('pages/msu/institution/beds.njk', {
      ...view,
      department: { ...view.department, name: textIn(view.department.name, req.lang) },
      values: form.values ?? { total: String(view.department.bedsTotal) },
      ...form,
    });
  }

  router.get('/institution/departments/:id/beds', employeeOnly, async (req, res) => {
    await renderBeds(req, res, idParam(req), 200, {});
  });

  router.post('/institution/departments/:id/beds', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(bedsForm, req.body);
    if (!form.ok) return renderBeds(req, res, id, 400, { values: req.body as object, errors: form.errors });
    try {
      const step = await inst.startBedChange(actorOf(req), id, form.data.total, form.data.reason);
      const t = req.t;
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `${bedsPage(id)}/sign`,
        caption: step.institution,
        title: t('msu:beds.signTitle'),
        rows: [
          { key: t('msu:order.department'), value: textIn(step.department, req.lang) },
          { key: t('msu:beds.change'), value: `${step.previousTotal} → ${step.total}` },
          { key: t('msu:beds.reason'), value: step.reason },
        ],
        hint: t('msu:beds.signHint'),
        buttonLabel: t('msu:button.sign'),
        cancelHref: bedsPage(id),
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      await renderBeds(req, res, id, 400, {
        values: req.body as object,
        errors: { total: err.code },
        errorParams: err instanceof AppError ? err.params : undefined,
      });
    }
  });

  signedStep(
    '/institution/departments/:id/beds/sign',
    (req, id, input) => inst.changeBeds(actorOf(req), id, input),
    (req, id, r) => {
      flash(req, r.offered > 0 ? 'msu:flash.bedsChangedOffered' : 'msu:flash.bedsChanged', {
        offered: r.offered,
      });
      return bedsPage(id);
    },
    bedsPage,
  );

  return router;
}
