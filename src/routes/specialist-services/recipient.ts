import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { helpTypeFromSlug, slugOf, type ServiceHelpType } from '../../modules/specialist-services/rules.js';
import { orderForm } from '../../modules/specialist-services/schemas.js';
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
    res.render('pages/specialist-services/specialists.njk', {
      ...view,
      specialists: camelAll(view.specialists),
      helpType,
      slug: slugOf(helpType),
    });
  });

  async function renderOrderForm(
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: FieldErrors,
  ) {
    const helpType = helpTypeOf(req);
    const view = await area.orders.orderForm(actorOf(req), helpType, idParam(req, 'sid'));
    res.status(status).render('pages/specialist-services/order-form.njk', {
      ...view,
      specialist: camel(view.specialist),
      helpType,
      slug: slugOf(helpType),
      values: values ?? view.defaults,
      errors,
    });
  }

  router.get('/services/:slug/specialists/:sid/order', async (req, res) => {
    await renderOrderForm(req, res, 200);
  });

  router.post('/services/:slug/specialists/:sid/order', async (req, res) => {
    const helpType = helpTypeOf(req);
    const sid = idParam(req, 'sid');
    const form = parseForm(orderForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderOrderForm(req, res, 400, bodyOf(req), form.errors);
    const { signRequest, specialist, input } = await area.orders.issueCreate(
      actorOf(req),
      helpType,
      sid,
      form.data,
    );
    const t = req.t;
    renderSign(req, res, {
      title: t('services:create.signTitle'),
      lead: t('services:create.signLead'),
      rows: [
        { key: t('services:field.helpType'), value: t(`services:helpType.${helpType}`) },
        {
          key: t('services:field.specialist'),
          value: [specialist.surname, specialist.name, specialist.patronymic].filter(Boolean).join(' '),
        },
        { key: t('services:field.phone'), value: input.phone },
        { key: t('services:field.email'), value: input.email ?? '—' },
        { key: t('services:field.address'), value: input.address },
        { key: t('services:field.comment'), value: input.comment || '—' },
      ],
      signRequest,
      action: `/services/${slugOf(helpType)}/specialists/${sid}/order/sign`,
      cancelHref: `/services/${slugOf(helpType)}/specialists`,
    });
  });

  router.post('/services/:slug/specialists/:sid/order/sign', async (req, res) => {
    const helpType = helpTypeOf(req);
    const order = await area.orders.create(actorOf(req), helpType, idParam(req, 'sid'), signedOf(req));
    flash(req, 'services:flash.created', { number: order.number });
    res.redirect(303, `/services/orders/${order.id}`);
  });

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
    reasonActionRoutes(router, area, { base: '/services/orders', path: action, action, party: 'specialist' });

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

  router.get('/services/orders/:id/acts/:actId/pdf', async (req, res) => {
    const pdf = await area.acts.documents.recipientPdf(actorOf(req), idParam(req), idParam(req, 'actId'));
    sendAttachment(res, pdf.buffer, pdf.fileName, 'application/pdf');
  });

  return router;
}
