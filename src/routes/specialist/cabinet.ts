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
  fieldErrors,
  journalSearch,
  specialistSearch,
} from '../../modules/specialist-services/schemas.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { UPLOADS, acceptUploads, uploadsOf } from '../../web/uploads.js';
import { idOf, reasonActionRoutes, renderSign, sendAttachment, signedOf, withValidation } from './helpers.js';
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
    res.render('pages/specialist/orders.njk', { ...view, search, query: query.toString() });
  });

  router.get('/specialist/orders/:id', async (req, res) => {
    res.render(
      'pages/specialist/order.njk',
      await area.orders.specialistCard(actorOf(req), idOf(req.params.id)),
    );
  });

  // «Ответить» → «Подтверждение заказа услуги»
  router.get('/specialist/orders/:id/respond', async (req, res) => {
    const actor = actorOf(req);
    const id = idOf(req.params.id);
    const card = await area.orders.specialistCard(actor, id);
    if (!card.canRespond) throw new AppError('order_action_not_allowed', 409);
    const signRequest = card.canAccept
      ? (await area.orders.issueAction(actor, id, 'accept')).signRequest
      : null;
    res.render('pages/specialist/respond.njk', { ...card, signRequest });
  });

  router.post('/specialist/orders/:id/accept', async (req, res) => {
    const id = idOf(req.params.id);
    await area.orders.applyAction(actorOf(req), id, 'accept', signedOf(req));
    flash(req, 'services:flash.accepted');
    res.redirect(303, `/specialist/orders/${id}`);
  });

  // «Отклонить» (when responding) and «Отмена заказа» (after an act with the end flag): reason → sign
  for (const [path, action] of [
    ['reject', 'reject'],
    ['cancel', 'specialist_cancel'],
  ] as const)
    reasonActionRoutes(router, area, { base: '/specialist/orders', path, action, party: 'recipient' });

  // ---------------------------------------------------------------- «Журнал учета оказания услуг»
  router.get('/specialist/journal', async (req, res) => {
    const f = parseFilters(journalSearch, req);
    const view = await area.journal.journal(actorOf(req), {
      ...(f.order ? { order: f.order } : {}),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
    });
    res.render('pages/specialist/journal.njk', { ...view, search: f });
  });

  async function renderEntryForm(
    req: Request,
    res: Response,
    orderId: number,
    status: number,
    values?: Record<string, unknown>,
    errors?: Record<string, string>,
  ) {
    const view = await area.journal.entryForm(actorOf(req), orderId);
    res
      .status(status)
      .render('pages/specialist/entry-form.njk', { ...view, values: values ?? { day: view.maxDay }, errors });
  }

  router.get('/specialist/journal/new', async (req, res) => {
    await renderEntryForm(req, res, idOf(req.query.order), 200);
  });

  router.post('/specialist/journal/new', async (req, res) => {
    const orderId = idOf((req.body as Record<string, unknown>).order);
    const form = entryForm.safeParse(req.body);
    if (!form.success)
      return renderEntryForm(
        req,
        res,
        orderId,
        400,
        req.body as Record<string, unknown>,
        fieldErrors(form.error),
      );
    const codeId = await withValidation(
      () => area.journal.requestCode(actorOf(req), form.data),
      (errors) => renderEntryForm(req, res, orderId, 400, req.body as Record<string, unknown>, errors),
    );
    if (codeId === undefined) return;
    res.redirect(303, `/specialist/journal/codes/${codeId}`);
  });

  async function renderCode(
    req: Request,
    res: Response,
    id: number,
    status: number,
    errors?: Record<string, string>,
    params?: Record<string, unknown>,
  ) {
    const view = await area.journal.codePage(actorOf(req), id);
    res
      .status(status)
      .render('pages/specialist/entry-code.njk', { ...view, errors, errorParams: params ?? {} });
  }

  router.get('/specialist/journal/codes/:id', async (req, res) => {
    await renderCode(req, res, idOf(req.params.id), 200);
  });

  router.post('/specialist/journal/codes/:id', async (req, res) => {
    const id = idOf(req.params.id);
    const form = codeForm.safeParse(req.body);
    if (!form.success) return renderCode(req, res, id, 400, fieldErrors(form.error));
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
    const current = area.acts.periodOfToday();
    const [cy, cm] = current.split('-').map(Number) as [number, number];
    const year = q.year ?? cy;
    const month = q.month ?? cm;
    const searched = q.year !== undefined && q.month !== undefined;
    const period = `${year}-${String(month).padStart(2, '0')}`;
    const result = searched ? await area.acts.search(actorOf(req), period) : null;
    const years = Array.from({ length: 4 }, (_, i) => cy - i);
    res.render('pages/specialist/acts.njk', { year, month, years, result });
  });

  router.get('/specialist/acts/orders/:id', async (req, res) => {
    res.render(
      'pages/specialist/act.njk',
      await area.acts.actPage(actorOf(req), idOf(req.params.id), periodOf(req)),
    );
  });

  for (const which of ['act', 'sheet'] as const) {
    router.get(`/specialist/acts/orders/:id/${which}.pdf`, async (req, res) => {
      const pdf = await area.acts.pdf(actorOf(req), idOf(req.params.id), periodOf(req), which);
      sendAttachment(res, pdf.buffer, pdf.fileName, 'application/pdf');
    });
  }

  async function renderSendForm(
    req: Request,
    res: Response,
    orderId: number,
    status: number,
    values?: Record<string, unknown>,
    errors?: Record<string, string>,
  ) {
    const view = await area.acts.sendForm(actorOf(req), orderId);
    res.status(status).render('pages/specialist/act-send.njk', {
      ...view,
      values: values ?? { period: typeof req.query.period === 'string' ? req.query.period : view.periods[0] },
      errors,
      maxMb: MAX_ACT_BYTES / 1024 / 1024,
    });
  }

  router.get('/specialist/acts/orders/:id/send', async (req, res) => {
    await renderSendForm(req, res, idOf(req.params.id), 200);
  });

  const scan = acceptUploads(services.config.dataDir, UPLOADS.actScan);
  router.post('/specialist/acts/orders/:id/send', scan, async (req, res) => {
    const id = idOf(req.params.id);
    const form = actSendForm.safeParse(req.body);
    if (!form.success)
      return renderSendForm(req, res, id, 400, req.body as Record<string, unknown>, fieldErrors(form.error));
    const actId = await withValidation(
      () => area.acts.upload(actorOf(req), id, form.data, fileOf(req, 'file')),
      (errors) => renderSendForm(req, res, id, 400, req.body as Record<string, unknown>, errors),
    );
    if (actId === undefined) return;
    res.redirect(303, `/specialist/acts/${actId}/confirm`);
  });

  router.get('/specialist/acts/:actId/confirm', async (req, res) => {
    res.render(
      'pages/specialist/act-confirm.njk',
      await area.acts.confirmPage(actorOf(req), idOf(req.params.actId)),
    );
  });

  router.post('/specialist/acts/:actId/confirm', async (req, res) => {
    const act = await area.acts.confirmSend(actorOf(req), idOf(req.params.actId), signedOf(req));
    flash(req, 'services:flash.actSent', { period: act.period });
    res.redirect(303, '/specialist/documents');
  });

  router.post('/specialist/acts/:actId/cancel', async (req, res) => {
    const act = await area.acts.cancel(actorOf(req), idOf(req.params.actId));
    flash(req, 'services:flash.actCancelled', { period: act.period });
    res.redirect(303, `/specialist/acts/orders/${act.order_id}?period=${act.period}`);
  });

  router.post('/specialist/acts/orders/:id/electronic', async (req, res) => {
    const id = idOf(req.params.id);
    const form = electronicActForm.safeParse(req.body);
    if (!form.success) throw new AppError('services:errors.periodInvalid', 400);
    const issued = await withValidation(
      () => area.acts.issueElectronic(actorOf(req), id, form.data),
      async (errors) => {
        const view = await area.acts.actPage(actorOf(req), id, form.data.period);
        res.status(400).render('pages/specialist/act.njk', { ...view, errors });
      },
    );
    if (!issued) return;
    const t = req.t;
    renderSign(res, {
      title: t('services:acts.electronicTitle'),
      lead: t('services:acts.electronicLead'),
      rows: [
        { key: t('services:field.number'), value: issued.order.number },
        { key: t('services:field.recipient'), value: issued.order.recipient_name },
        { key: t('services:field.period'), value: issued.period },
        { key: t('services:field.totalHours'), value: String(issued.hours) },
        {
          key: t('services:field.endsJointWork'),
          value: t(issued.endsJointWork ? 'common:yes' : 'common:no'),
        },
      ],
      signRequest: issued.signRequest,
      action: `/specialist/acts/orders/${id}/electronic/sign`,
      label: t('services:button.sign'),
      cancelHref: `/specialist/acts/orders/${id}?period=${issued.period}`,
      cancelLabel: t('services:button.cancelSigning'),
    });
  });

  router.post('/specialist/acts/orders/:id/electronic/sign', async (req, res) => {
    const id = idOf(req.params.id);
    const act = await area.acts.createElectronic(actorOf(req), id, signedOf(req));
    flash(req, 'services:flash.actAwaitingRecipient', { period: act.period });
    res.redirect(303, `/specialist/acts/orders/${id}?period=${act.period}`);
  });

  // ---------------------------------------------------------------- «Отправленная документация»
  router.get('/specialist/documents', async (req, res) => {
    res.render('pages/specialist/documents.njk', { acts: await area.acts.documents(actorOf(req)) });
  });

  router.get('/specialist/documents/:actId/file', async (req, res) => {
    const f = await area.acts.download(actorOf(req), idOf(req.params.actId));
    sendAttachment(res, f.buffer, f.fileName, f.mime);
  });

  // ---------------------------------------------------------------- registry applications
  async function renderRegistry(
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: Record<string, string>,
  ) {
    const view = await area.registry.mine(actorOf(req));
    res
      .status(status)
      .render('pages/specialist/registry.njk', { ...view, values: values ?? { ...view.defaults }, errors });
  }

  router.get('/specialist/registry', async (req, res) => {
    await renderRegistry(req, res, 200);
  });

  router.post('/specialist/registry/applications', async (req, res) => {
    const form = applicationForm.safeParse(req.body);
    if (!form.success)
      return renderRegistry(req, res, 400, req.body as Record<string, unknown>, fieldErrors(form.error));
    const signRequest = await withValidation(
      () => area.registry.issueApplication(actorOf(req), form.data),
      (errors) => renderRegistry(req, res, 400, req.body as Record<string, unknown>, errors),
    );
    if (!signRequest) return;
    const t = req.t;
    const d = form.data;
    renderSign(res, {
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
      label: t('services:button.sign'),
      cancelHref: '/specialist/registry',
      cancelLabel: t('services:button.cancelSigning'),
    });
  });

  router.post('/specialist/registry/applications/sign', async (req, res) => {
    await area.registry.submitApplication(actorOf(req), signedOf(req));
    flash(req, 'services:flash.applicationSubmitted');
    res.redirect(303, '/specialist/registry');
  });

  return router;
}
