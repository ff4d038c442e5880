import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import type { SignedInput } from '../../modules/signing/signed-steps.js';
import type { PlaceView } from '../../modules/msu/view-models.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { parseReason, renderReasonPage, renderSignPage, type ReasonPage } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { catalogueQuery, reasonForm } from '../../modules/msu/schemas.js';
import { parseFilters } from '../../web/filters.js';
import { codeOf, dateTime, isUserError, messageOf, placeRows, renderRefused, textIn } from './helpers.js';

const recipientOnly = requireRole('recipient', 'guardian');

/** a flash note: its text key and the key's values */
type Note = [string, Record<string, string | number>];

/** «Выбрать поставщика» for МСУ, «Записаться», «Встать в очередь», the order card and its signed steps. */
export function msuRecipientRoutes(services: WebServices): Router {
  const router = Router();
  const { catalogue, enrolment, recipient: msu } = services.msu;

  router.get('/msu', async (req, res) => {
    const q = parseFilters(catalogueQuery, req);
    const view = await catalogue.catalogue(
      { region: q.region || undefined, locality: q.locality || undefined, profile: q.profile },
      req.session.auth ? actorOf(req) : null,
    );
    res.render('pages/msu/catalogue.njk', {
      ...view,
      filter: q,
      measureQuery: q.measure ? `?measure=${q.measure}` : '',
    });
  });

  /** The page of a new order: the place as a summary list, the arrival note in the page's language. */
  function placeLocals(req: Request, place: PlaceView) {
    return { place, placeRows: placeRows(req, place), arrivalInfo: textIn(place.arrivalInfo, req.lang) };
  }

  // ---------------------------------------------------------------- «Записаться» → «Подтвердить»

  async function renderEnrol(req: Request, res: Response, departmentId: number, error?: string) {
    const view = await enrolment.startEnrolment(actorOf(req), departmentId);
    res
      .status(error ? 400 : 200)
      .render('pages/msu/enrol.njk', { ...view, ...placeLocals(req, view.place), error });
  }

  /** The department is full (or filled up meanwhile): say so and offer the queue. */
  async function renderNoBeds(req: Request, res: Response, departmentId: number) {
    const view = await catalogue.department(departmentId);
    res
      .status(409)
      .render('pages/msu/no-beds.njk', { ...view, department: textIn(view.department, req.lang) });
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

  /** A refused new order shows its message on its page again (with a fresh document), or on an error page. */
  async function renderAgainOrRefused(
    req: Request,
    res: Response,
    render: () => Promise<void>,
    message: string,
  ): Promise<void> {
    try {
      await render();
    } catch (e) {
      if (!isUserError(e)) throw e;
      res.status(409).render('pages/msu/refused.njk', { message, back: '/msu' });
    }
  }

  // ---------------------------------------------------------------- «Встать в очередь»

  async function renderQueue(req: Request, res: Response, departmentId: number, error?: string) {
    const view = await enrolment.startQueue(actorOf(req), departmentId);
    res
      .status(error ? 400 : 200)
      .render('pages/msu/queue.njk', { ...view, ...placeLocals(req, view.place), error });
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

  /**
   * The signed post of a new order: done → the order card with a note. When the beds changed meanwhile
   * (`goneTo`: the last bed went, or one came free) the enrolment page says what is possible now.
   */
  function newOrder(
    path: 'enrol' | 'queue',
    render: (req: Request, res: Response, id: number, error?: string) => Promise<void>,
    goneTo: string,
    submit: (req: Request, id: number, input: SignedInput) => Promise<{ orderId: number; note: Note }>,
  ) {
    router.post(`/msu/departments/:id/${path}`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const form = parseForm(signedForm, req.body);
      if (!form.ok) return render(req, res, id, req.t('errors:EDS_NO_SIGNATURE'));
      try {
        const r = await submit(req, id, form.data);
        flash(req, ...r.note);
        res.redirect(303, `/msu/orders/${r.orderId}`);
      } catch (err) {
        if (codeOf(err) === goneTo) return res.redirect(303, `/msu/departments/${id}/enrol`);
        if (!isUserError(err)) throw err;
        const message = messageOf(req, err);
        await renderAgainOrRefused(req, res, () => render(req, res, id, message), message);
      }
    });
  }

  newOrder('enrol', renderEnrol, 'msu:errors.noFreeBeds', async (req, id, input) => {
    const r = await enrolment.enrol(actorOf(req), id, input);
    return { orderId: r.orderId, note: ['msu:flash.enrolled', { number: r.number }] };
  });

  newOrder('queue', renderQueue, 'msu:errors.freeBedsAvailable', async (req, id, input) => {
    const r = await enrolment.joinQueue(actorOf(req), id, input);
    return { orderId: r.orderId, note: ['msu:flash.queued', { number: r.number, position: r.position }] };
  });

  // ---------------------------------------------------------------- orders

  router.get('/msu/orders', recipientOnly, async (req, res) => {
    res.render('pages/msu/orders.njk', { orders: await msu.myOrders(actorOf(req)) });
  });

  router.get('/msu/orders/:id', recipientOnly, async (req, res) => {
    res.render('pages/msu/order.njk', await msu.orderCard(actorOf(req), idParam(req)));
  });

  /** The signed post of a step on the order: done → the card with a note; refused → why. */
  function signedStep(
    path: string,
    apply: (req: Request, id: number, input: SignedInput) => Promise<void>,
    doneKey: string,
  ) {
    router.post(path, recipientOnly, async (req, res) => {
      const id = idParam(req);
      try {
        const form = parseForm(signedForm, req.body);
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        await apply(req, id, form.data);
        flash(req, doneKey);
        res.redirect(303, `/msu/orders/${id}`);
      } catch (err) {
        renderRefused(req, res, err, `/msu/orders/${id}`);
      }
    });
  }

  /** The sign page of a step on the order: the place, what the step says, the document. */
  function renderStepSign(
    req: Request,
    res: Response,
    step: { order: { id: number; number: string }; place: PlaceView; signRequest: IssuedSignRequest },
    opts: { key: string; action: string; button: string; lead?: string; warning?: string; reason?: string },
  ) {
    const t = req.t;
    const rows = placeRows(req, step.place);
    if (opts.reason !== undefined) rows.push({ key: t('msu:reasonForm.label'), value: opts.reason });
    renderSignPage(res, {
      signRequest: step.signRequest,
      action: opts.action,
      caption: t('msu:order.title', { number: step.order.number }),
      title: t(`msu:signStep.${opts.key}.title`),
      ...(opts.lead ? { lead: opts.lead } : {}),
      ...(opts.warning ? { warning: opts.warning } : {}),
      rows,
      hint: t(`msu:signStep.${opts.key}.hint`),
      buttonLabel: opts.button,
      cancelHref: `/msu/orders/${step.order.id}`,
    });
  }

  // ---------------------------------------------------------------- steps with a reason: the reason's page signs
  // (its «Подписать» issues the document and opens the signing; without JavaScript: → the sign page)

  function reasonStep(opts: {
    path: 'cancel-queue' | 'cancel-enrolment';
    texts: 'cancelQueue' | 'cancelEnrolment';
    start: (req: Request, id: number, reason: string) => ReturnType<typeof msu.startCancelQueue>;
    apply: (req: Request, id: number, input: SignedInput) => Promise<void>;
    doneKey: string;
  }) {
    async function reasonPage(req: Request, id: number): Promise<ReasonPage> {
      const t = req.t;
      const { order } = await msu.orderCard(actorOf(req), id);
      return {
        caption: t('msu:order.title', { number: order.number }),
        title: t(`msu:${opts.texts}.title`),
        lead: t(`msu:${opts.texts}.lead`),
        reason: { label: t('msu:reasonForm.label'), hint: t('msu:reasonForm.hint') },
        errorPrefix: t('msu:errorPrefix'),
        formAction: `/msu/orders/${id}/${opts.path}`,
        submitLabel: t('msu:button.sign'),
        backHref: `/msu/orders/${id}`,
      };
    }

    router.get(`/msu/orders/:id/${opts.path}`, recipientOnly, async (req, res) => {
      renderReasonPage(res, await reasonPage(req, idParam(req)));
    });

    router.post(`/msu/orders/:id/${opts.path}`, recipientOnly, async (req, res) => {
      const id = idParam(req);
      const form = await parseReason(req, res, reasonForm, () => reasonPage(req, id));
      if (!form) return;
      const step = await opts.start(req, id, form.reason);
      renderStepSign(req, res, step, {
        key: opts.path,
        action: `/msu/orders/${id}/${opts.path}/sign`,
        button: req.t('msu:button.sign'),
        reason: form.reason,
      });
    });

    signedStep(`/msu/orders/:id/${opts.path}/sign`, opts.apply, opts.doneKey);
  }

  reasonStep({
    path: 'cancel-queue',
    texts: 'cancelQueue',
    start: (req, id, reason) => msu.startCancelQueue(actorOf(req), id, reason),
    apply: (req, id, input) => msu.cancelQueue(actorOf(req), id, input),
    doneKey: 'msu:flash.queueCancelled',
  });

  reasonStep({
    path: 'cancel-enrolment',
    texts: 'cancelEnrolment',
    start: (req, id, reason) => msu.startCancelEnrolment(actorOf(req), id, reason),
    apply: (req, id, input) => msu.cancelEnrolment(actorOf(req), id, input),
    doneKey: 'msu:flash.enrolmentCancelled',
  });

  // ---------------------------------------------------------------- the offered place

  router.get('/msu/orders/:id/accept', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const t = req.t;
    const step = await msu.startAcceptOffer(actorOf(req), id);
    renderStepSign(req, res, step, {
      key: 'accept',
      action: `/msu/orders/${id}/accept`,
      button: t('msu:button.confirm'),
      ...(step.offer ? { lead: t('msu:offer.until', { until: dateTime(step.offer.until) }) } : {}),
      warning: t('msu:enrol.deadline', { date: step.arrivalDeadline.split('-').reverse().join('.') }),
    });
  });

  router.get('/msu/orders/:id/decline', recipientOnly, async (req, res) => {
    const id = idParam(req);
    const step = await msu.startDeclineOffer(actorOf(req), id);
    renderStepSign(req, res, step, {
      key: 'decline',
      action: `/msu/orders/${id}/decline`,
      button: req.t('msu:button.sign'),
    });
  });

  signedStep(
    '/msu/orders/:id/accept',
    (req, id, input) => msu.acceptOffer(actorOf(req), id, input),
    'msu:flash.offerAccepted',
  );
  signedStep(
    '/msu/orders/:id/decline',
    (req, id, input) => msu.declineOffer(actorOf(req), id, input),
    'msu:flash.offerDeclined',
  );

  return router;
}
