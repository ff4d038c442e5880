import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { helpTypeFromSlug, slugOf, type ServiceHelpType } from '../../modules/specialist-services/rules.js';
import { disputeForm, orderForm } from '../../modules/specialist-services/schemas.js';
import { parseReason, renderReasonPage, type ReasonPage } from '../../web/sign-step.js';
import type { Provider } from '../../modules/specialist-services/order-service.js';
import { idParam, parseForm, type FieldErrors } from '../../web/forms.js';
import { bodyOf, reasonActionRoutes, renderSign, sendAttachment, signedOf } from './helpers.js';
import { actVm, camel, camelAll, orderVm, withOrder } from './view-models.js';

function helpTypeOf(req: Request): ServiceHelpType {
  const h = helpTypeFromSlug(String(req.params.slug ?? ''));
  if (!h) throw new NotFoundError();
  return h;
}

/**
 * The recipient's (or guardian's) side, seed 000 items 19–32: specialists of a help type,
 * «Заказать» → form → «Создать» → sign; the order card with «Удалить», «Подтвердить» (signed
 * «Заявление на возмещение»), «Отменить», «Отказаться», «Просмотреть причины», and the acts to sign.
 */
export function recipientServiceRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.specialistServices;
  router.use('/services', requireRole('recipient', 'guardian'));

  router.get('/services/:slug/specialists', async (req, res) => {
    const helpType = helpTypeOf(req);
    const view = await area.orders.specialists(actorOf(req), helpType);
    const documents = await services.offer.documents.documentsOf(view.organisations.map((o) => o.id));
    res.render('pages/specialist-services/specialists.njk', {
      ...view,
      specialists: camelAll(view.specialists),
      organisations: view.organisations.map((o) => ({ ...o, documents: documents.get(o.id) ?? [] })),
      helpType,
      slug: slugOf(helpType),
    });
  });

  /** Whom the order goes to: `specialists/:sid` (a self-employed specialist) or `organisations/:oid`. */
  function providerOf(req: Request): Provider {
    return req.params.oid !== undefined
      ? { kind: 'organisation', id: idParam(req, 'oid') }
      : { kind: 'specialist', id: idParam(req, 'sid') };
  }
  const orderBase = (slug: string, p: Provider) =>
    `/services/${slug}/${p.kind === 'specialist' ? 'specialists' : 'organisations'}/${p.id}/order`;

  async function renderOrderForm(
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: FieldErrors,
  ) {
    const helpType = helpTypeOf(req);
    const provider = providerOf(req);
    const view = await area.orders.orderForm(actorOf(req), helpType, provider);
    res.status(status).render('pages/specialist-services/order-form.njk', {
      ...view,
      specialist: view.specialist ? camel(view.specialist) : null,
      helpType,
      slug: slugOf(helpType),
      formAction: orderBase(slugOf(helpType), provider),
      values: values ?? view.defaults,
      errors,
    });
  }

  const ORDER_PATHS = ['/services/:slug/specialists/:sid/order', '/services/:slug/organisations/:oid/order'];
  for (const ORDER_PATH of ORDER_PATHS) {
    router.get(ORDER_PATH, async (req, res) => {
      await renderOrderForm(req, res, 200);
    });

    router.post(ORDER_PATH, async (req, res) => {
      const helpType = helpTypeOf(req);
      const provider = providerOf(req);
      const form = parseForm(orderForm, req.body, 'services:errors.invalid');
      if (!form.ok) return renderOrderForm(req, res, 400, bodyOf(req), form.errors);
      const { signRequest, specialist, organisation, input } = await area.orders.issueCreate(
        actorOf(req),
        helpType,
        provider,
        form.data,
      );
      const t = req.t;
      renderSign(req, res, {
        title: t('services:create.signTitle'),
        lead: t('services:create.signLead'),
        rows: [
          { key: t('services:field.helpType'), value: t(`services:helpType.${helpType}`) },
          specialist
            ? {
                key: t('services:field.specialist'),
                value: [specialist.surname, specialist.name, specialist.patronymic].filter(Boolean).join(' '),
              }
            : { key: t('offer:field.organisation'), value: organisation?.name ?? '' },
          { key: t('services:field.phone'), value: input.phone },
          { key: t('services:field.email'), value: input.email ?? '—' },
          { key: t('services:field.address'), value: input.address },
          { key: t('services:field.comment'), value: input.comment || '—' },
        ],
        signRequest,
        action: `${orderBase(slugOf(helpType), provider)}/sign`,
        cancelHref: `/services/${slugOf(helpType)}/specialists`,
      });
    });

    router.post(`${ORDER_PATH}/sign`, async (req, res) => {
      const helpType = helpTypeOf(req);
      const order = await area.orders.create(actorOf(req), helpType, providerOf(req), signedOf(req));
      flash(req, 'services:flash.created', { number: order.number });
      res.redirect(303, `/services/orders/${order.id}`);
    });
  }

  router.get('/services/orders', async (req, res) => {
    const items = await area.orders.recipientOrders(actorOf(req));
    res.render('pages/specialist-services/orders.njk', { items: items.map(withOrder) });
  });

  router.get('/services/orders/:id', async (req, res) => {
    const card = await area.orders.recipientCard(actorOf(req), idParam(req));
    res.render('pages/specialist-services/order.njk', {
      ...withOrder(card),
      actsToSign: card.actsToSign.map(actVm),
      acts: card.acts.map(actVm),
      disputedActs: card.disputedActs.map(actVm),
    });
  });

  router.post('/services/orders/:id/delete', async (req, res) => {
    const id = idParam(req);
    await area.orders.delete(actorOf(req), id);
    flash(req, 'services:flash.deleted');
    res.redirect(303, `/services/orders/${id}`);
  });

  // «Подтвердить» → «Заявление на возмещение» → «Подписать» (or «Отмена»)
  router.get('/services/orders/:id/confirm', async (req, res) => {
    const id = idParam(req);
    const issued = await area.orders.issueAction(actorOf(req), id, 'confirm');
    const order = orderVm(issued.order);
    const t = req.t;
    renderSign(req, res, {
      title: t('services:confirm.title'),
      lead: t('services:confirm.lead', { number: order.number, specialist: order.specialistName }),
      rows: [
        { key: t('services:field.number'), value: order.number },
        { key: t('services:field.helpType'), value: t(`services:helpType.${order.helpType}`) },
        { key: t('services:field.specialist'), value: order.specialistName },
        { key: t('services:field.recipient'), value: order.recipientName },
      ],
      signRequest: issued.signRequest,
      action: `/services/orders/${id}/confirm`,
      cancelHref: `/services/orders/${id}`,
    });
  });

  router.post('/services/orders/:id/confirm', async (req, res) => {
    const id = idParam(req);
    await area.orders.applyAction(actorOf(req), id, 'confirm', signedOf(req));
    flash(req, 'services:flash.confirmed');
    res.redirect(303, `/services/orders/${id}`);
  });

  // «Отменить» (before the specialist confirms) and «Отказаться» (during execution): reason → sign
  for (const action of ['cancel', 'refuse'] as const)
    reasonActionRoutes(router, area.orders, {
      base: '/services/orders',
      path: action,
      action,
      party: 'specialist',
    });

  // the electronic act (seed 002): the recipient signs the act the specialist signed
  router.get('/services/orders/:id/acts/:actId', async (req, res) => {
    const view = await area.acts.electronic.recipientPage(actorOf(req), idParam(req), idParam(req, 'actId'));
    res.render('pages/specialist-services/act.njk', {
      ...withOrder(view),
      act: actVm(view.act),
      entries: camelAll(view.entries),
    });
  });

  router.post('/services/orders/:id/acts/:actId', async (req, res) => {
    const id = idParam(req);
    await area.acts.electronic.recipientSign(actorOf(req), id, idParam(req, 'actId'), signedOf(req));
    flash(req, 'services:flash.actSigned');
    res.redirect(303, `/services/orders/${id}`);
  });

  // «Отказаться подписать» (issue 19 item 7): a reason → the recipient signs the refusal → the act
  // returns to the specialist
  const disputePage = async (req: Request): Promise<ReasonPage> => {
    const id = idParam(req);
    const actId = idParam(req, 'actId');
    const { order, act } = await area.acts.electronic.disputeTarget(actorOf(req), id, actId);
    const t = req.t;
    return {
      title: t('outreach:dispute.title', { period: act.period }),
      lead: t('outreach:dispute.lead'),
      rows: [
        { key: t('services:field.number'), value: order.number },
        { key: t('services:field.specialist'), value: order.specialist_name },
        { key: t('services:field.totalHours'), value: String(act.hours) },
      ],
      reason: { label: t('outreach:dispute.reason'), hint: t('outreach:dispute.reasonHint') },
      formAction: `/services/orders/${id}/acts/${actId}/dispute`,
      submitLabel: t('outreach:dispute.submit'),
      backHref: `/services/orders/${id}/acts/${actId}`,
      backLabel: t('common:back'),
    };
  };

  router.get('/services/orders/:id/acts/:actId/dispute', async (req, res) => {
    renderReasonPage(res, await disputePage(req));
  });

  router.post('/services/orders/:id/acts/:actId/dispute', async (req, res) => {
    const form = await parseReason(req, res, disputeForm, () => disputePage(req));
    if (!form) return;
    const id = idParam(req);
    const actId = idParam(req, 'actId');
    const { signRequest, order, act } = await area.acts.electronic.issueDispute(
      actorOf(req),
      id,
      actId,
      form.reason,
    );
    renderSign(req, res, {
      signRequest,
      action: `/services/orders/${id}/acts/${actId}/dispute/sign`,
      title: req.t('outreach:dispute.title', { period: act.period }),
      rows: [
        { key: req.t('services:field.number'), value: order.number },
        { key: req.t('outreach:dispute.reason'), value: form.reason },
      ],
      cancelHref: `/services/orders/${id}/acts/${actId}`,
    });
  });

  router.post('/services/orders/:id/acts/:actId/dispute/sign', async (req, res) => {
    const id = idParam(req);
    await area.acts.electronic.dispute(actorOf(req), id, idParam(req, 'actId'), signedOf(req));
    flash(req, 'outreach:dispute.flash');
    res.redirect(303, `/services/orders/${id}`);
  });

  router.get('/services/orders/:id/acts/:actId/pdf', async (req, res) => {
    const pdf = await area.acts.documents.recipientPdf(actorOf(req), idParam(req), idParam(req, 'actId'));
    sendAttachment(res, pdf.buffer, pdf.fileName, 'application/pdf');
  });

  return router;
}
