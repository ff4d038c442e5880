import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { RecipientReasonAction } from '../../modules/contracts/index.js';
import { providerQuery, reasonForm, requestForm } from '../../modules/contracts/schemas.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { parseReason, renderReasonPage, type ReasonPage } from '../../web/sign-step.js';
import { contractRows, documentRoutes, renderSign, signedOf } from './helpers.js';

/**
 * The person's side (seed 002 items 3.1–3.6), for themselves or, as a legal representative, for the
 * person they act for: «ИППСУ», «Заключить договор» → «Заключение договора с поставщиком …» «Да» /
 * «Отмена», «Договоры», the card with «Подписать договор» → «Подписать договор?» → «Да» (signed) and
 * «Подписать акт» → «Подписать акт оказанных услуг?» → «Да» (signed), or the dispute with a reason.
 */
export function recipientContractRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.contracts.contracts;
  const person = requireRole('recipient', 'guardian');
  router.use(['/ippsu', '/contracts'], person);

  router.get('/ippsu', async (req, res) => {
    const q = providerQuery.parse(req.query);
    const view = await area.programme(actorOf(req));
    const found = q.q ? await area.findProviders(q.q) : [];
    const suggestions = await area.findProviders(undefined);
    res.render('pages/contracts/ippsu.njk', {
      ...view,
      query: q.q ?? '',
      found,
      suggestions,
      searched: Boolean(q.q),
    });
  });

  // «Заключить договор» → the confirmation «Заключение договора с поставщиком …»
  router.get('/contracts/new', async (req, res) => {
    const form = parseForm(requestForm, { organisation: req.query.organisation });
    if (!form.ok) {
      flash(req, 'contracts:errors.providerRequired', undefined, 'info');
      return res.redirect(303, '/ippsu');
    }
    const { provider, programme } = await area.requestTarget(actorOf(req), form.data.organisation);
    res.render('pages/contracts/confirm.njk', {
      title: req.t('contracts:request.title', { provider: provider.name }),
      lead: req.t('contracts:request.lead'),
      rows: [
        { key: req.t('contracts:field.provider'), value: provider.name },
        { key: req.t('contracts:field.region'), value: provider.region },
        { key: req.t('contracts:field.programme'), value: programme.number },
      ],
      formAction: '/contracts',
      hidden: { organisation: String(provider.id) },
      yesLabel: req.t('contracts:button.yes'),
      cancelHref: '/ippsu',
      signs: false,
    });
  });

  router.post('/contracts', async (req, res) => {
    const form = parseForm(requestForm, req.body);
    if (!form.ok) {
      flash(req, 'contracts:errors.providerRequired', undefined, 'info');
      return res.redirect(303, '/ippsu');
    }
    const contract = await area.request(actorOf(req), form.data.organisation);
    flash(req, 'contracts:flash.requested');
    res.redirect(303, `/contracts/${contract.id}`);
  });

  router.get('/contracts', async (req, res) => {
    res.render('pages/contracts/list.njk', { contracts: await area.listForPerson(actorOf(req)) });
  });

  router.get('/contracts/:id', async (req, res) => {
    const view = await area.personCard(actorOf(req), idParam(req));
    res.render('pages/contracts/card.njk', { ...view, side: 'person', base: '/contracts' });
  });

  // «Подписать договор» → «Подписать договор?» → «Да» → the signing
  router.get('/contracts/:id/sign', async (req, res) => {
    const view = await area.personCard(actorOf(req), idParam(req));
    if (!view.actions.includes('recipient_sign')) return res.redirect(303, `/contracts/${view.contract.id}`);
    res.render('pages/contracts/confirm.njk', {
      title: req.t('contracts:sign.question'),
      lead: req.t('contracts:sign.lead'),
      rows: contractRows(req.t, view.contract),
      services: view.services,
      formAction: `/contracts/${view.contract.id}/sign`,
      hidden: {},
      yesLabel: req.t('contracts:button.yes'),
      cancelHref: `/contracts/${view.contract.id}`,
      signs: true,
    });
  });

  router.post('/contracts/:id/sign', async (req, res) => {
    parseForm(reasonForm.pick({ _csrf: true }), req.body);
    const issued = await area.issueRecipientSign(actorOf(req), idParam(req));
    renderSign(req, res, {
      title: req.t('contracts:sign.signTitle', { number: issued.terms.number }),
      rows: contractRows(req.t, issued.contract),
      signRequest: issued.signRequest,
      action: `/contracts/${issued.contract.id}/sign/signed`,
      cancelHref: `/contracts/${issued.contract.id}`,
    });
  });

  router.post('/contracts/:id/sign/signed', async (req, res) => {
    const id = idParam(req);
    await area.applyRecipientSign(actorOf(req), id, signedOf(req));
    flash(req, 'contracts:flash.signed');
    res.redirect(303, `/contracts/${id}`);
  });

  // «Подписать акт» → «Подписать акт оказанных услуг?» → «Да» → the signing
  router.get('/contracts/:id/acts/:actId/sign', async (req, res) => {
    const view = await area.personCard(actorOf(req), idParam(req));
    const act = view.formedAct;
    if (!act || act.id !== idParam(req, 'actId')) return res.redirect(303, `/contracts/${view.contract.id}`);
    res.render('pages/contracts/confirm.njk', {
      title: req.t('contracts:act.question'),
      lead: req.t('contracts:act.lead'),
      rows: contractRows(req.t, view.contract),
      actItems: act.items,
      formAction: `/contracts/${view.contract.id}/acts/${act.id}/sign`,
      hidden: {},
      yesLabel: req.t('contracts:button.yes'),
      cancelHref: `/contracts/${view.contract.id}`,
      signs: true,
    });
  });

  router.post('/contracts/:id/acts/:actId/sign', async (req, res) => {
    parseForm(reasonForm.pick({ _csrf: true }), req.body);
    const issued = await area.issueActSign(actorOf(req), idParam(req), idParam(req, 'actId'));
    renderSign(req, res, {
      title: req.t('contracts:act.signTitle', { number: issued.contract.number ?? '' }),
      rows: contractRows(req.t, issued.contract),
      signRequest: issued.signRequest,
      action: `/contracts/${issued.contract.id}/acts/${issued.act.id}/sign/signed`,
      cancelHref: `/contracts/${issued.contract.id}`,
    });
  });

  router.post('/contracts/:id/acts/:actId/sign/signed', async (req, res) => {
    const id = idParam(req);
    await area.applyActSign(actorOf(req), id, idParam(req, 'actId'), signedOf(req));
    flash(req, 'contracts:flash.actSigned');
    res.redirect(303, `/contracts/${id}`);
  });

  // steps with a reason: the dispute of an act, the termination by the person
  const reasonRoutes = (path: string, action: RecipientReasonAction) => {
    const target = (req: Request) => {
      const id = idParam(req);
      const actId = action === 'dispute_act' ? idParam(req, 'actId') : undefined;
      const base = `/contracts/${id}`;
      return { id, actId, base, formAction: actId ? `${base}/acts/${actId}/${path}` : `${base}/${path}` };
    };
    const page = async (req: Request): Promise<ReasonPage> => {
      const { id, actId, base, formAction } = target(req);
      const { contract } = await area.reasonTarget(actorOf(req), id, action, actId);
      return {
        title: req.t(`contracts:${action}.title`),
        lead: req.t(`contracts:${action}.lead`),
        rows: contractRows(req.t, contract),
        reason: { label: req.t('contracts:field.reason'), hint: req.t(`contracts:${action}.hint`) },
        formAction,
        submitLabel: req.t('contracts:button.continue'),
        backHref: base,
        backLabel: req.t('common:back'),
      };
    };
    const at = action === 'dispute_act' ? `/contracts/:id/acts/:actId/${path}` : `/contracts/:id/${path}`;
    router.get(at, async (req, res) => renderReasonPage(res, await page(req)));
    router.post(at, async (req: Request, res: Response) => {
      const data = await parseReason(req, res, reasonForm, () => page(req));
      if (!data) return;
      const { id, actId, formAction, base } = target(req);
      const issued = await area.issueReason(actorOf(req), id, action, data, actId);
      renderSign(req, res, {
        title: req.t(`contracts:${action}.signTitle`),
        rows: [
          ...contractRows(req.t, issued.contract),
          { key: req.t('contracts:field.reason'), value: data.reason },
        ],
        signRequest: issued.signRequest,
        action: `${formAction}/sign`,
        cancelHref: base,
      });
    });
    router.post(`${at}/sign`, async (req, res) => {
      const { id, actId, base } = target(req);
      await area.applyReason(actorOf(req), id, action, signedOf(req), actId);
      flash(req, `contracts:flash.${action}`);
      res.redirect(303, base);
    });
  };
  reasonRoutes('dispute', 'dispute_act');
  reasonRoutes('terminate', 'terminate_recipient');

  // the contract as a document: the PDF and each signature's XML
  documentRoutes(router, services, '/contracts', 'person');

  return router;
}
