import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { renderSignStep } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { catalogueQuery, reasonForm, signedForm } from '../../modules/msu/schemas.js';
import { statusTone } from '../../modules/msu/rules.js';
import { codeOf, idParam, isUserError, messageOf, parseForm } from './helpers.js';
import { parseFilters } from '../../web/filters.js';

const recipientOnly = requireRole('recipient', 'guardian');

/** «Выбрать поставщика» for МСУ, «Записаться», «Встать в очередь», the order card and its signed steps. */
export function msuRecipientRoutes(services: WebServices): Router {
  const router = Router();
  const msu = services.msu.recipient;

  router.get('/msu', async (req, res) => {
    const q = parseFilters(catalogueQuery, req);
    const auth = req.session.auth;
    const view = await msu.catalogue(
      { region: q.region || undefined, locality: q.locality || undefined, profile: q.profile },
      auth ? actorOf(req) : null,
    );
    res.render('pages/msu/catalogue.njk', {
      ...view,
      filter: q,
      measureQuery: q.measure ? `?measure=${q.measure}` : '',
      isRecipient: Boolean(auth && (auth.roles.includes('recipient') || auth.roles.includes('guardian'))),
    });
  });

  // ---------------------------------------------------------------- «Записаться» → «Подтвердить»

  async function renderEnrol(req: Request, res: Response, departmentId: number, error?: string) {
    const view = await msu.startEnrolment(actorOf(req), departmentId);
    res.status(error ? 400 : 200).render('pages/msu/enrol.njk', { ...view, error });
  }

  /** The department is full (or filled up meanwhile): say so and offer the queue. */
  async function renderNoBeds(req: Request, res: Response, departmentId: number) {
    const view = await msu.department(departmentId);
    res.status(409).render('pages/msu/no-beds.njk', view);
  }

  router.get('/msu/departments/:id/enrol', recipientOnly, async (req, res) => {
    const id = idParam(req);
    try {
      await renderEnrol(req, res, id);
    } catch (err) {
      if (codeOf(err) === 'msu:errors.noFreeBeds') return renderNoBeds(req, res, id);
      throw err;
    }
  });

  router.post('/msu/departments/:id/enrol', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(signedForm, req.body);
    if (!form.ok) return renderEnrol(req, res, id, req.t('errors:EDS_NO_SIGNATURE'));
    try {
      const r = await msu.enrol(actorOf(req), id, form.data);
      flash(req, 'msu:flash.enrolled', { number: r.number });
      res.redirect(303, `/msu/orders/${r.orderId}`);
    } catch (err) {
      // the last bed went meanwhile: the enrolment page now says so and offers the queue
      if (codeOf(err) === 'msu:errors.noFreeBeds') return res.redirect(303, `/msu/departments/${id}/enrol`);
      if (isUserError(err)) return renderEnrolOrError(req, res, id, messageOf(req, err));
      throw err;
    }
  });

  /** A refused step shows its message on the page again (with a fresh document), or on an error page. */
  async function renderEnrolOrError(req: Request, res: Response, id: number, message: string) {
    try {
      await renderEnrol(req, res, id, message);
    } catch (e) {
      if (!isUserError(e)) throw e;
      res.status(409).render('pages/msu/refused.njk', { message, back: '/msu' });
    }
  }

  // ---------------------------------------------------------------- «Встать в очередь»

  async function renderQueue(req: Request, res: Response, departmentId: number, error?: string) {
    const view = await msu.startQueue(actorOf(req), departmentId);
    res.status(error ? 400 : 200).render('pages/msu/queue.njk', { ...view, error });
  }

  router.get('/msu/departments/:id/queue', recipientOnly, async (req, res) => {
    const id = idParam(req);
    try {
      await renderQueue(req, res, id);
    } catch (err) {
      if (codeOf(err) === 'msu:errors.freeBedsAvailable')
        return res.redirect(303, `/msu/departments/${id}/enrol`);
      throw err;
    }
  });

  router.post('/msu/departments/:id/queue', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(signedForm, req.body);
    if (!form.ok) return renderQueue(req, res, id, req.t('errors:EDS_NO_SIGNATURE'));
    try {
      const r = await msu.joinQueue(actorOf(req), id, form.data);
      flash(req, 'msu:flash.queued', { number: r.number, position: r.position });
      res.redirect(303, `/msu/orders/${r.orderId}`);
    } catch (err) {
      if (codeOf(err) === 'msu:errors.freeBedsAvailable')
        return res.redirect(303, `/msu/departments/${id}/enrol`);
      if (!isUserError(err)) throw err;
      try {
        await renderQueue(req, res, id, messageOf(req, err));
      } catch (e) {
        if (!isUserError(e)) throw e;
        res.status(409).render('pages/msu/refused.njk', { message: messageOf(req, err), back: '/msu' });
      }
    }
  });

  // ---------------------------------------------------------------- orders

  router.get('/msu/orders', recipientOnly, async (req, res) => {
    const orders = await msu.myOrders(actorOf(req));
    res.render('pages/msu/orders.njk', { orders: orders.map((o) => ({ ...o, tone: statusTone(o.status) })) });
  });

  router.get('/msu/orders/:id', recipientOnly, async (req, res) => {
    const card = await msu.orderCard(actorOf(req), idParam(req));
    res.render('pages/msu/order.njk', { ...card, tone: statusTone(card.order.status) });
  });

  // ---------------------------------------------------------------- steps with a reason: the reason's page signs
  // (its «Подписать» issues the document and opens the signing; without JavaScript: → the sign page)

  function reasonStep(opts: {
    path: string;
    formView: string;
    start: (req: Request, id: number, reason: string) => Promise<{ signRequest: IssuedSignRequest }>;
    apply: (req: Request, id: number, input: { signRequestId: string; signedXml: string }) => Promise<void>;
    doneKey: string;
  }) {
    router.get(`/msu/orders/:id/${opts.path}`, recipientOnly, async (req, res) => {
      const card = await msu.orderCard(actorOf(req), idParam(req));
      res.render(opts.formView, { ...card, values: {} });
    });

    router.post(`/msu/orders/:id/${opts.path}`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(reasonForm, req.body);
      if (!form.ok) {
        const card = await msu.orderCard(actorOf(req), id);
        return res
          .status(400)
          .render(opts.formView, { ...card, values: req.body as object, errors: form.errors });
      }
      const step = await opts.start(req, id, form.data.reason);
      renderSignStep(res, 'pages/msu/sign-step.njk', {
        ...step,
        step: opts.path,
        action: `/msu/orders/${id}/${opts.path}/sign`,
        reason: form.data.reason,
      });
    });

    router.post(`/msu/orders/:id/${opts.path}/sign`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(signedForm, req.body);
      try {
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        await opts.apply(req, id, form.data);
        flash(req, opts.doneKey);
        res.redirect(303, `/msu/orders/${id}`);
      } catch (err) {
        if (!isUserError(err)) throw err;
        res
          .status(409)
          .render('pages/msu/refused.njk', { message: messageOf(req, err), back: `/msu/orders/${id}` });
      }
    });
  }

  reasonStep({
    path: 'cancel-queue',
    formView: 'pages/msu/cancel-queue.njk',
    start: (req, id, reason) => msu.startCancelQueue(actorOf(req), id, reason),
    apply: (req, id, input) => msu.cancelQueue(actorOf(req), id, input),
    doneKey: 'msu:flash.queueCancelled',
  });

  reasonStep({
    path: 'cancel-enrolment',
    formView: 'pages/msu/cancel-enrolment.njk',
    start: (req, id, reason) => msu.startCancelEnrolment(actorOf(req), id, reason),
    apply: (req, id, input) => msu.cancelEnrolment(actorOf(req), id, input),
    doneKey: 'msu:flash.enrolmentCancelled',
  });

  // ---------------------------------------------------------------- the offered place

  function offerStep(path: 'accept' | 'decline') {
    router.get(`/msu/orders/:id/${path}`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const actor = actorOf(req);
      const step =
        path === 'accept' ? await msu.startAcceptOffer(actor, id) : await msu.startDeclineOffer(actor, id);
      res.render('pages/msu/offer-step.njk', { ...step, step: path, action: `/msu/orders/${id}/${path}` });
    });

    router.post(`/msu/orders/:id/${path}`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(signedForm, req.body);
      try {
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        const actor = actorOf(req);
        if (path === 'accept') await msu.acceptOffer(actor, id, form.data);
        else await msu.declineOffer(actor, id, form.data);
        flash(req, path === 'accept' ? 'msu:flash.offerAccepted' : 'msu:flash.offerDeclined');
        res.redirect(303, `/msu/orders/${id}`);
      } catch (err) {
        if (!isUserError(err)) throw err;
        res
          .status(409)
          .render('pages/msu/refused.njk', { message: messageOf(req, err), back: `/msu/orders/${id}` });
      }
    });
  }
  offerStep('accept');
  offerStep('decline');

  return router;
}
