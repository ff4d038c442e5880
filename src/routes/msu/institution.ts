import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { renderSignStep } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { bedsForm, cabinetQuery, reasonForm, signedForm } from '../../modules/msu/schemas.js';
import { statusTone } from '../../modules/msu/rules.js';
import { idParam, isUserError, messageOf, parseForm } from './helpers.js';
import { parseFilters } from '../../web/filters.js';

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

  router.get('/institution', employeeOnly, async (req, res) => {
    const q = parseFilters(cabinetQuery, req);
    const view = await inst.cabinet(actorOf(req), {
      status: q.status,
      departmentId: q.department,
      page: q.page ?? 1,
    });
    res.render('pages/msu/institution/cabinet.njk', {
      ...view,
      filter: q,
      page: q.page ?? 1,
      rows: view.orders.rows.map((r) => ({ ...r, tone: statusTone(r.status) })),
    });
  });

  router.get('/institution/orders/:id', employeeOnly, async (req, res) => {
    const card = await inst.orderCard(actorOf(req), idParam(req));
    res.render('pages/msu/institution/order.njk', { ...card, tone: statusTone(card.order.status) });
  });

  function refused(req: Request, res: Response, err: unknown, back: string) {
    if (!isUserError(err)) throw err;
    res.status(409).render('pages/msu/refused.njk', { message: messageOf(req, err), back });
  }

  // ---------------------------------------------------------------- arrival and no-show: confirm → sign

  function plainStep(path: 'arrival' | 'no-show') {
    router.get(`/institution/orders/:id/${path}`, employeeOnly, async (req, res) => {
      const id = idParam(req);
      try {
        const step =
          path === 'arrival'
            ? await inst.startArrival(actorOf(req), id)
            : await inst.startNoShow(actorOf(req), id);
        res.render('pages/msu/institution/step.njk', {
          ...step,
          step: path,
          action: `/institution/orders/${id}/${path}`,
        });
      } catch (err) {
        refused(req, res, err, `/institution/orders/${id}`);
      }
    });

    router.post(`/institution/orders/:id/${path}`, employeeOnly, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(signedForm, req.body);
      try {
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        if (path === 'arrival') await inst.markArrived(actorOf(req), id, form.data);
        else await inst.markNoShow(actorOf(req), id, form.data);
        flash(req, path === 'arrival' ? 'msu:flash.arrived' : 'msu:flash.noShow');
        res.redirect(303, `/institution/orders/${id}`);
      } catch (err) {
        refused(req, res, err, `/institution/orders/${id}`);
      }
    });
  }
  plainStep('arrival');
  plainStep('no-show');

  // ---------------------------------------------------------------- discharge: reason → sign

  router.get('/institution/orders/:id/discharge', employeeOnly, async (req, res) => {
    const card = await inst.orderCard(actorOf(req), idParam(req));
    res.render('pages/msu/institution/discharge.njk', { ...card, values: {} });
  });

  router.post('/institution/orders/:id/discharge', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(reasonForm, req.body);
    if (!form.ok) {
      const card = await inst.orderCard(actorOf(req), id);
      return res.status(400).render('pages/msu/institution/discharge.njk', {
        ...card,
        values: req.body as object,
        errors: form.errors,
      });
    }
    try {
      const step = await inst.startDischarge(actorOf(req), id, form.data.reason);
      renderSignStep(res, 'pages/msu/institution/step.njk', {
        ...step,
        step: 'discharge',
        action: `/institution/orders/${id}/discharge/sign`,
      });
    } catch (err) {
      refused(req, res, err, `/institution/orders/${id}`);
    }
  });

  router.post('/institution/orders/:id/discharge/sign', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(signedForm, req.body);
    try {
      if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
      await inst.discharge(actorOf(req), id, form.data);
      flash(req, 'msu:flash.discharged');
      res.redirect(303, `/institution/orders/${id}`);
    } catch (err) {
      refused(req, res, err, `/institution/orders/${id}`);
    }
  });

  // ---------------------------------------------------------------- bed counts: total + reason → sign

  router.get('/institution/departments/:id/beds', employeeOnly, async (req, res) => {
    const view = await inst.bedsPage(actorOf(req), idParam(req));
    res.render('pages/msu/institution/beds.njk', {
      ...view,
      values: { total: String(view.dept.beds_total) },
    });
  });

  router.post('/institution/departments/:id/beds', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(bedsForm, req.body);
    if (!form.ok) {
      const view = await inst.bedsPage(actorOf(req), id);
      return res.status(400).render('pages/msu/institution/beds.njk', {
        ...view,
        values: req.body as object,
        errors: form.errors,
      });
    }
    try {
      const step = await inst.startBedChange(actorOf(req), id, form.data.total, form.data.reason);
      renderSignStep(res, 'pages/msu/institution/beds-sign.njk', {
        ...step,
        action: `/institution/departments/${id}/beds/sign`,
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      const view = await inst.bedsPage(actorOf(req), id);
      res.status(400).render('pages/msu/institution/beds.njk', {
        ...view,
        values: req.body as object,
        errors: { total: (err as AppError).code },
        errorParams: (err as AppError).params,
      });
    }
  });

  router.post('/institution/departments/:id/beds/sign', employeeOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(signedForm, req.body);
    try {
      if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
      const r = await inst.changeBeds(actorOf(req), id, form.data);
      flash(req, r.offered > 0 ? 'msu:flash.bedsChangedOffered' : 'msu:flash.bedsChanged', {
        offered: r.offered,
      });
      res.redirect(303, `/institution/departments/${id}/beds`);
    } catch (err) {
      refused(req, res, err, `/institution/departments/${id}/beds`);
    }
  });

  return router;
}
