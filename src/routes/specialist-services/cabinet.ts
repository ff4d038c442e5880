import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { MAX_ACT_BYTES, isPeriod } from '../../modules/specialist-services/rules.js';
import {
  actSearch,
  actSendForm,
  applicationForm,
  codeForm,
  electronicActForm,
  entryForm,
  journalSearch,
  specialistSearch,
} from '../../modules/specialist-services/schemas.js';
import { idParam, parseForm, type FieldErrors } from '../../web/forms.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { UPLOADS, acceptUploads, uploadsOf } from '../../web/uploads.js';
import {
  bodyOf,
  idOf,
  reasonActionRoutes,
  renderSign,
  sendAttachment,
  signedOf,
  withValidation,
} from './helpers.js';
import { actVm, applicationVm, camel, camelAll, orderVm, withOrder } from './view-models.js';
import { parseFilters } from '../../web/filters.js';

function periodOf(req: Request): string {
  const p = String(req.query.period ?? '');
  if (!isPeriod(p)) throw new NotFoundError();
  return p;
}

/** The uploaded file of a multipart form (streamed to a temporary file by the route's parser). */
function fileOf(req: Request, field: string): UploadedFile | null {
  return uploadsOf(req).find((x) => x.fieldname === field) ?? null;
}

/** A form page of an order: shown with its values, and again (400) with the errors when refused. */
type FormPage = (
  req: Request,
  res: Response,
  orderId: number,
  status: number,
  values?: Record<string, unknown>,
  errors?: FieldErrors,
) => Promise<void>;

/**
 * «Кабинет специалиста» (seed 001): «Заказы услуг» with search and paging, «Ответить» →
 * «Подтвердить»/«Отклонить», the journal with SMS-confirmed hours, acts and «Отправленная
 * документация», «Отмена заказа» after an act with the end flag, and the registry applications.
 */
export function specialistCabinetRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.specialistServices;
  router.use('/specialist', requireRole('specialist'));

  // ---------------------------------------------------------------- «Заказы услуг»
  router.get('/specialist/orders', async (req, res) => {
    const search = parseFilters(specialistSearch, req);
    const view = await area.orders.specialistOrders(actorOf(req), search);
    const query = new URLSearchParams();
    for (const k of ['from', 'to', 'status', 'surname', 'name'] as const)
      if (search[k]) query.set(k, String(search[k]));
    res.render('pages/specialist-services/specialist/orders.njk', {
      ...view,
      rows: view.rows.map(withOrder),
      search,
      query: query.toString(),
    });
  });

  router.get('/specialist/orders/:id', async (req, res) => {
    res.render(
      'pages/specialist-services/specialist/order.njk',
      withOrder(await area.orders.specialistCard(actorOf(req), idParam(req))),
    );
  });

  // «Ответить» → «Подтверждение заказа услуги»
  router.get('/specialist/orders/:id/respond', async (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req);
    const card = await area.orders.specialistCard(actor, id);
    // the answer is open while the order awaits the specialist; «Подтвердить» only when its guards allow
    if (!card.actions.includes('reject')) throw new AppError('order_action_not_allowed', 409);
    const signRequest = card.actions.includes('accept')
      ? (await area.orders.issueAction(actor, id, 'accept')).signRequest
      : null;
    res.render('pages/specialist-services/specialist/respond.njk', { ...withOrder(card), signRequest });
  });

  router.post('/specialist/orders/:id/accept', async (req, res) => {
    const id = idParam(req);
    await area.orders.applyAction(actorOf(req), id, 'accept', signedOf(req));
    flash(req, 'services:flash.accepted');
    res.redirect(303, `/specialist/orders/${id}`);
  });

  // «Отклонить» (when responding) and «Отмена заказа» (after an act with the end flag): reason → sign
  for (const [path, action] of [
    ['reject', 'reject'],
    ['cancel', 'specialist_cancel'],
  ] as const)
    reasonActionRoutes(router, area.orders, { base: '/specialist/orders', path, action, party: 'recipient' });

  // ---------------------------------------------------------------- «Журнал учета оказания услуг»
  router.get('/specialist/journal', async (req, res) => {
    const f = parseFilters(journalSearch, req);
    const view = await area.journal.journal(actorOf(req), {
      ...(f.order ? { order: f.order } : {}),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
    });
    res.render('pages/specialist-services/specialist/journal.njk', {
      ...view,
      order: view.order ? orderVm(view.order) : null,
      orders: view.orders.map(orderVm),
      entries: camelAll(view.entries),
      search: f,
    });
  });

  const renderEntryForm: FormPage = async (req, res, orderId, status, values, errors) => {
    const view = await area.journal.entryForm(actorOf(req), orderId);
    res.status(status).render('pages/specialist-services/specialist/entry-form.njk', {
      ...withOrder(view),
      values: values ?? { day: view.maxDay },
      errors,
    });
  };

  router.get('/specialist/journal/new', async (req, res) => {
    await renderEntryForm(req, res, idOf(req.query.order), 200);
  });

  router.post('/specialist/journal/new', async (req, res) => {
    const orderId = idOf(bodyOf(req).order);
    const form = parseForm(entryForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderEntryForm(req, res, orderId, 400, bodyOf(req), form.errors);
    const codeId = await withValidation(
      () => area.journal.requestCode(actorOf(req), form.data),
      (errors) => renderEntryForm(req, res, orderId, 400, bodyOf(req), errors),
    );
    if (codeId === undefined) return;
    res.redirect(303, `/specialist/journal/codes/${codeId}`);
  });

  async function renderCode(
    req: Request,
    res: Response,
    id: number,
    status: number,
    errors?: FieldErrors,
    params?: Record<string, unknown>,
  ) {
    const view = await area.journal.codePage(actorOf(req), id);
    res.status(status).render('pages/specialist-services/specialist/entry-code.njk', {
      ...withOrder(view),
      code: camel(view.code),
      errors,
      errorParams: params ?? {},
    });
  }

  router.get('/specialist/journal/codes/:id', async (req, res) => {
    await renderCode(req, res, idParam(req), 200);
  });

  router.post('/specialist/journal/codes/:id', async (req, res) => {
    const id = idParam(req);
    const form = parseForm(codeForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderCode(req, res, id, 400, form.errors);
    try {
      const result = await area.journal.confirmCode(actorOf(req), id, form.data.code);
      flash(req, result.completed ? 'services:flash.entryCompleted' : 'services:flash.entrySaved', {
        hours: result.entry.hours,
        remaining: result.remaining,
      });
      res.redirect(303, `/specialist/journal?order=${result.entry.order_id}`);
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('services:errors.code.')) {
        return renderCode(req, res, id, err.status, { code: err.code }, err.params);
      }
      throw err;
    }
  });

  // ---------------------------------------------------------------- acts
  router.get('/specialist/acts', async (req, res) => {
    const q = parseFilters(actSearch, req);
    const current = area.acts.documents.periodOfToday();
    const [cy, cm] = current.split('-').map(Number) as [number, number];
    const year = q.year ?? cy;
    const month = q.month ?? cm;
    const searched = q.year !== undefined && q.month !== undefined;
    const period = `${year}-${String(month).padStart(2, '0')}`;
    const result = searched ? await area.acts.documents.search(actorOf(req), period) : null;
    const years = Array.from({ length: 4 }, (_, i) => cy - i);
    res.render('pages/specialist-services/specialist/acts.njk', {
      year,
      month,
      years,
      result: result
        ? {
            ...result,
            rows: result.rows.map((r) => ({ ...withOrder(r), act: r.act ? actVm(r.act) : null })),
          }
        : null,
    });
  });

  /** The month's act of an order (again with the errors when the electronic act was refused). */
  async function renderActPage(
    req: Request,
    res: Response,
    orderId: number,
    period: string,
    status: number,
    errors?: FieldErrors,
  ) {
    const view = await area.acts.documents.actPage(actorOf(req), orderId, period);
    res.status(status).render('pages/specialist-services/specialist/act.njk', {
      ...withOrder(view),
      act: view.act ? actVm(view.act) : null,
      disputed: view.disputed.map(actVm),
      entries: camelAll(view.entries),
      errors,
    });
  }

  router.get('/specialist/acts/orders/:id', async (req, res) => {
    await renderActPage(req, res, idParam(req), periodOf(req), 200);
  });

  for (const which of ['act', 'sheet'] as const) {
    router.get(`/specialist/acts/orders/:id/${which}.pdf`, async (req, res) => {
      const pdf = await area.acts.documents.pdf(actorOf(req), idParam(req), periodOf(req), which);
      sendAttachment(res, pdf.buffer, pdf.fileName, 'application/pdf');
    });
  }

  const renderSendForm: FormPage = async (req, res, orderId, status, values, errors) => {
    const view = await area.acts.scanned.sendForm(actorOf(req), orderId);
    res.status(status).render('pages/specialist-services/specialist/act-send.njk', {
      ...withOrder(view),
      values: values ?? { period: typeof req.query.period === 'string' ? req.query.period : view.periods[0] },
      errors,
      maxMb: MAX_ACT_BYTES / 1024 / 1024,
    });
  };

  router.get('/specialist/acts/orders/:id/send', async (req, res) => {
    await renderSendForm(req, res, idParam(req), 200);
  });

  const scan = acceptUploads(services.config.dataDir, UPLOADS.actScan);
  router.post('/specialist/acts/orders/:id/send', scan, async (req, res) => {
    const id = idParam(req);
    const form = parseForm(actSendForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderSendForm(req, res, id, 400, bodyOf(req), form.errors);
    const actId = await withValidation(
      () => area.acts.scanned.upload(actorOf(req), id, form.data, fileOf(req, 'file')),
      (errors) => renderSendForm(req, res, id, 400, bodyOf(req), errors),
    );
    if (actId === undefined) return;
    res.redirect(303, `/specialist/acts/${actId}/confirm`);
  });

  router.get('/specialist/acts/:actId/confirm', async (req, res) => {
    const view = await area.acts.scanned.confirmPage(actorOf(req), idParam(req, 'actId'));
    res.render('pages/specialist-services/specialist/act-confirm.njk', {
      ...withOrder(view),
      act: actVm(view.act),
    });
  });

  router.post('/specialist/acts/:actId/confirm', async (req, res) => {
    const act = await area.acts.scanned.confirmSend(actorOf(req), idParam(req, 'actId'), signedOf(req));
    flash(req, 'services:flash.actSent', { period: act.period });
    res.redirect(303, '/specialist/documents');
  });

  router.post('/specialist/acts/:actId/cancel', async (req, res) => {
    const act = await area.acts.scanned.cancel(actorOf(req), idParam(req, 'actId'));
    flash(req, 'services:flash.actCancelled', { period: act.period });
    res.redirect(303, `/specialist/acts/orders/${act.order_id}?period=${act.period}`);
  });

  router.post('/specialist/acts/orders/:id/electronic', async (req, res) => {
    const id = idParam(req);
    const form = electronicActForm.safeParse(req.body);
    if (!form.success) throw new AppError('services:errors.periodInvalid', 400);
    const issued = await withValidation(
      () => area.acts.electronic.issue(actorOf(req), id, form.data),
      (errors) => renderActPage(req, res, id, form.data.period, 400, errors),
    );
    if (!issued) return;
    const t = req.t;
    renderSign(req, res, {
      title: t('services:acts.electronicTitle'),
      lead: t('services:acts.electronicLead'),
      rows: [
        { key: t('services:field.number'), value: issued.order.number },
        { key: t('services:field.recipient'), value: orderVm(issued.order).recipientName },
        { key: t('services:field.period'), value: issued.period },
        { key: t('services:field.totalHours'), value: String(issued.hours) },
        {
          key: t('services:field.endsJointWork'),
          value: t(issued.endsJointWork ? 'common:yes' : 'common:no'),
        },
      ],
      signRequest: issued.signRequest,
      action: `/specialist/acts/orders/${id}/electronic/sign`,
      cancelHref: `/specialist/acts/orders/${id}?period=${issued.period}`,
    });
  });

  router.post('/specialist/acts/orders/:id/electronic/sign', async (req, res) => {
    const id = idParam(req);
    const act = await area.acts.electronic.create(actorOf(req), id, signedOf(req));
    flash(req, 'services:flash.actAwaitingRecipient', { period: act.period });
    res.redirect(303, `/specialist/acts/orders/${id}?period=${act.period}`);
  });

  // ---------------------------------------------------------------- «Отправленная документация»
  router.get('/specialist/documents', async (req, res) => {
    const acts = await area.acts.documents.documents(actorOf(req));
    res.render('pages/specialist-services/specialist/documents.njk', { acts: acts.map(actVm) });
  });

  router.get('/specialist/documents/:actId/file', async (req, res) => {
    const f = await area.acts.documents.download(actorOf(req), idParam(req, 'actId'));
    sendAttachment(res, f.buffer, f.fileName, f.mime);
  });

  // ---------------------------------------------------------------- registry applications
  async function renderRegistry(
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: FieldErrors,
  ) {
    const view = await area.registry.mine(actorOf(req));
    res.status(status).render('pages/specialist-services/specialist/registry.njk', {
      entries: camelAll(view.entries),
      applications: view.applications.map(applicationVm),
      values: values ?? { ...view.defaults },
      errors,
    });
  }

  router.get('/specialist/registry', async (req, res) => {
    await renderRegistry(req, res, 200);
  });

  router.post('/specialist/registry/applications', async (req, res) => {
    const form = parseForm(applicationForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderRegistry(req, res, 400, bodyOf(req), form.errors);
    const signRequest = await withValidation(
      () => area.registry.issueApplication(actorOf(req), form.data),
      (errors) => renderRegistry(req, res, 400, bodyOf(req), errors),
    );
    if (!signRequest) return;
    const t = req.t;
    const d = form.data;
    renderSign(req, res, {
      title: t(`services:registry.type.${d.type}`),
      rows: [
        { key: t('services:field.helpType'), value: t(`services:helpType.${d.kind}`) },
        ...(d.type === 'inclusion'
          ? [
              { key: t('services:field.region'), value: d.region },
              { key: t('services:field.locality'), value: d.locality },
            ]
          : []),
        { key: t('services:field.reason'), value: d.reason || '—' },
      ],
      signRequest,
      action: '/specialist/registry/applications/sign',
      cancelHref: '/specialist/registry',
    });
  });

  router.post('/specialist/registry/applications/sign', async (req, res) => {
    await area.registry.submitApplication(actorOf(req), signedOf(req));
    flash(req, 'services:flash.applicationSubmitted');
    res.redirect(303, '/specialist/registry');
  });

  return router;
}
