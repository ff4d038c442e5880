import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { EdsError } from '../../eds/index.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { parseReason, renderReasonPage, renderSignPage, type ReasonPage } from '../../web/sign-step.js';
import { directionsForm, refuseForm } from '../../modules/participants/registration-schemas.js';
import type { SupplierKind } from '../../modules/participants/registration-repository.js';
import type { RegistryAnswer } from '../../modules/participants/registration-service.js';

const admin = requireRole('admin');
const employee = requireRole('employee');

/** A refusal a person can act on (a message), not a fault of the portal. */
function isUserError(err: unknown): err is AppError | EdsError {
  return err instanceof EdsError || (err instanceof AppError && err.status < 500 && err.status !== 404);
}

function messageOf(req: Request, err: AppError | EdsError): string {
  const params = err instanceof AppError ? err.params : {};
  return req.t(err.code.includes(':') ? err.code : `errors:${err.code}`, params);
}

function refused(req: Request, res: Response, err: unknown, back: string): void {
  if (!isUserError(err)) throw err;
  res.status(409).render('pages/participants/refused.njk', { message: messageOf(req, err), back });
}

/** The registry's answer as summary rows (every text in the reader's language). */
function registryRows(req: Request, a: RegistryAnswer) {
  const t = req.t;
  const addr = `${a.address.region}, ${a.address.locality}, ${a.address.street}, ${a.address.house}`;
  const rows = [
    { key: t(a.kind === 'legal' ? 'participants:field.bin' : 'participants:field.iin'), value: a.bin },
    { key: t('participants:field.name'), value: a.name },
  ];
  if (a.legal) rows.push({ key: t('participants:field.shortName'), value: a.shortName });
  rows.push(
    { key: t(a.kind === 'legal' ? 'participants:field.head' : 'participants:field.owner'), value: a.head },
    { key: t('participants:field.address'), value: addr },
    { key: t('participants:field.activityCode'), value: a.activityCode },
    {
      key: t('participants:field.otherActivityCodes'),
      value: a.otherActivityCodes.join(', ') || t('participants:none'),
    },
  );
  if (a.legal) {
    rows.push(
      { key: t('participants:field.ownershipForm'), value: a.legal.ownershipForm },
      { key: t('participants:field.formation'), value: a.legal.formation },
      { key: t('participants:field.registeredOn'), value: a.legal.registeredOn },
    );
  }
  if (a.entrepreneur) {
    rows.push(
      { key: t('participants:field.registeredOn'), value: a.entrepreneur.registeredOn },
      { key: t('participants:field.registrationNumber'), value: a.entrepreneur.registrationNumber },
      { key: t('participants:field.taxAuthority'), value: a.entrepreneur.taxAuthority },
    );
  }
  return rows;
}

/**
 * Registration of suppliers (public: the person is identified by the registration's own signed
 * challenge), the administrator's decisions, and «Карточка организации».
 */
export function participantRoutes(services: WebServices, limiter: RequestHandler): Router {
  const router = Router();
  const reg = services.participants.registration;
  const card = services.participants.card;

  // ------------------------------------------------------------------ registration

  async function renderStart(req: Request, res: Response, error?: string) {
    const challenge = await reg.challenge(req.session.registrationChallengeId);
    req.session.registrationChallengeId = challenge.id;
    // a logged-in person sees the applications they signed (an approved one's organisation included)
    const mine = req.session.auth ? await reg.mine(actorOf(req)) : [];
    res.status(error ? 400 : 200).render('pages/participants/register.njk', { challenge, error, mine });
  }

  router.get('/registration', async (req, res) => {
    await renderStart(req, res);
  });

  for (const kind of ['legal', 'entrepreneur'] as const satisfies SupplierKind[]) {
    router.post(`/registration/${kind}`, limiter, async (req, res) => {
      const form = parseForm(signedForm, req.body);
      if (!form.ok) return renderStart(req, res, req.t('errors:EDS_NO_SIGNATURE'));
      // a challenge is good only in the session that was given it
      if (form.data.signRequestId !== req.session.registrationChallengeId)
        return renderStart(req, res, req.t('errors:login_challenge_not_yours'));
      try {
        req.session.registrant = await reg.identify(kind, form.data.signRequestId, form.data.signedXml);
        res.redirect(303, '/registration/application');
      } catch (err) {
        if (!isUserError(err)) throw err;
        req.log?.info({ code: err.code }, 'supplier registration refused');
        await renderStart(req, res, messageOf(req, err));
      }
    });
  }

  /** The identified person's page: what the registry says, the directions, the application. */
  router.get('/registration/application', async (req, res) => {
    const r = req.session.registrant;
    if (!r) return res.redirect(303, '/registration');
    try {
      const view = await reg.overview(r);
      res.render('pages/participants/application.njk', {
        ...view,
        kind: r.kind,
        rows: registryRows(req, view.answer),
      });
    } catch (err) {
      refused(req, res, err, '/registration');
    }
  });

  router.post('/registration/application', async (req, res) => {
    const r = req.session.registrant;
    if (!r) return res.redirect(303, '/registration');
    try {
      const { signRequest, answer } = await reg.issueApplication(r);
      const t = req.t;
      renderSignPage(res, {
        signRequest,
        action: '/registration/application/sign',
        caption: t('participants:register.caption'),
        title: t('participants:apply.title'),
        lead: t(`participants:apply.lead.${r.kind}`),
        rows: registryRows(req, answer),
        hint: t(`participants:apply.hint.${r.kind}`),
        buttonLabel: t('participants:apply.sign'),
        cancelHref: '/registration/application',
      });
    } catch (err) {
      refused(req, res, err, '/registration/application');
    }
  });

  router.post('/registration/application/sign', async (req, res) => {
    const r = req.session.registrant;
    if (!r) return res.redirect(303, '/registration');
    try {
      const form = parseForm(signedForm, req.body);
      if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
      await reg.submitApplication(r, form.data);
      flash(req, 'participants:flash.applied');
      res.redirect(303, '/registration/application');
    } catch (err) {
      refused(req, res, err, '/registration/application');
    }
  });

  // ------------------------------------------------------------------ administrator: applications

  router.get('/admin/supplier-applications', admin, async (req, res) => {
    res.render('pages/participants/admin-applications.njk', await reg.adminList(actorOf(req)));
  });

  const appPage = (id: number) => `/admin/supplier-applications/${id}`;

  router.get('/admin/supplier-applications/:id', admin, async (req, res) => {
    res.render('pages/participants/admin-application.njk', await reg.adminCard(actorOf(req), idParam(req)));
  });

  function decisionSign(
    req: Request,
    res: Response,
    step: Awaited<ReturnType<typeof reg.issueDecision>>,
    decision: 'approve' | 'refuse',
  ) {
    const t = req.t;
    const a = step.application;
    const rows = [
      { key: t('participants:field.bin'), value: a.bin },
      { key: t('participants:field.name'), value: a.name },
      {
        key: t('participants:field.directions'),
        value:
          a.directions.map((d) => t(`participants:directions.${d}`)).join(', ') || t('participants:none'),
      },
    ];
    if (step.reason) rows.push({ key: t('participants:field.reason'), value: step.reason });
    renderSignPage(res, {
      signRequest: step.signRequest,
      action: `${appPage(a.id)}/${decision}/sign`,
      caption: t('participants:admin.application', { number: a.id }),
      title: t(`participants:decision.${decision}.title`),
      lead: t(`participants:decision.${decision}.lead`),
      rows,
      buttonLabel: t('participants:decision.sign'),
      cancelHref: appPage(a.id),
    });
  }

  router.post('/admin/supplier-applications/:id/approve', admin, async (req, res) => {
    const id = idParam(req);
    try {
      decisionSign(req, res, await reg.issueDecision(actorOf(req), id, 'approve'), 'approve');
    } catch (err) {
      refused(req, res, err, appPage(id));
    }
  });

  async function refusePage(req: Request, id: number): Promise<ReasonPage> {
    const t = req.t;
    const view = await reg.adminCard(actorOf(req), id);
    return {
      caption: t('participants:admin.application', { number: id }),
      title: t('participants:decision.refuse.title'),
      lead: view.application.name,
      reason: { label: t('participants:field.reason'), hint: t('participants:decision.refuse.hint') },
      formAction: `${appPage(id)}/refuse`,
      submitLabel: t('participants:decision.sign'),
      backHref: appPage(id),
    };
  }

  router.get('/admin/supplier-applications/:id/refuse', admin, async (req, res) => {
    renderReasonPage(res, await refusePage(req, idParam(req)));
  });

  router.post('/admin/supplier-applications/:id/refuse', admin, async (req, res) => {
    const id = idParam(req);
    const form = await parseReason(req, res, refuseForm, () => refusePage(req, id));
    if (!form) return;
    try {
      decisionSign(req, res, await reg.issueDecision(actorOf(req), id, 'refuse', form.reason), 'refuse');
    } catch (err) {
      refused(req, res, err, appPage(id));
    }
  });

  for (const decision of ['approve', 'refuse'] as const) {
    router.post(`/admin/supplier-applications/:id/${decision}/sign`, admin, async (req, res) => {
      const id = idParam(req);
      try {
        const form = parseForm(signedForm, req.body);
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        await reg.applyDecision(actorOf(req), id, decision, form.data);
        flash(req, `participants:flash.${decision}d`);
        res.redirect(303, appPage(id));
      } catch (err) {
        refused(req, res, err, appPage(id));
      }
    });
  }

  // ------------------------------------------------------------------ «Карточка организации»

  router.get('/supplier/organisation', employee, async (req, res) => {
    res.render('pages/participants/card.njk', { ...(await card.mine(actorOf(req))), admin: false });
  });

  const cardPage = (id: number) => `/admin/organisations/${id}`;

  async function renderAdminCard(
    req: Request,
    res: Response,
    id: number,
    status = 200,
    form: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) {
    const [view, standing] = await Promise.all([
      card.adminCard(actorOf(req), id),
      services.participants.standing.organisation(actorOf(req), id),
    ]);
    res.status(status).render('pages/participants/card.njk', {
      ...view,
      standing,
      admin: true,
      values: form.values ?? {
        directions: view.directions.filter((d) => d.effective).map((d) => d.code),
        reason: view.reason ?? '',
      },
      errors: form.errors,
    });
  }

  router.get('/admin/organisations/:id', admin, async (req, res) => {
    await renderAdminCard(req, res, idParam(req));
  });

  router.post('/admin/organisations/:id/directions', admin, async (req, res) => {
    const id = idParam(req);
    const body = req.body as Record<string, unknown>;
    const values = {
      ...body,
      directions: body.directions === undefined ? [] : ([] as unknown[]).concat(body.directions),
    };
    const parsed = parseForm(directionsForm, body);
    if (!parsed.ok) return renderAdminCard(req, res, id, 400, { errors: parsed.errors, values });
    try {
      const step = await card.issueDirections(actorOf(req), id, parsed.data);
      const t = req.t;
      const rows = [
        { key: t('participants:field.bin'), value: step.org.bin },
        {
          key: t('participants:card.effective'),
          value:
            step.directions.map((d) => t(`participants:directions.${d}`)).join(', ') ||
            t('participants:none'),
        },
      ];
      if (step.reason) rows.push({ key: t('participants:field.reason'), value: step.reason });
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `${cardPage(id)}/directions/sign`,
        caption: step.org.name,
        title: t('participants:card.signTitle'),
        lead: t('participants:card.signLead'),
        rows,
        buttonLabel: t('participants:decision.sign'),
        cancelHref: cardPage(id),
      });
    } catch (err) {
      if (err instanceof ValidationError)
        return renderAdminCard(req, res, id, 400, { errors: err.fields, values });
      refused(req, res, err, cardPage(id));
    }
  });

  router.post('/admin/organisations/:id/directions/sign', admin, async (req, res) => {
    const id = idParam(req);
    try {
      const form = parseForm(signedForm, req.body);
      if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
      await card.applyDirections(actorOf(req), id, form.data);
      flash(req, 'participants:flash.directions');
      res.redirect(303, cardPage(id));
    } catch (err) {
      refused(req, res, err, cardPage(id));
    }
  });

  return router;
}
