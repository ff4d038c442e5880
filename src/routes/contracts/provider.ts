import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { ProviderReasonAction } from '../../modules/contracts/index.js';
import { emptyForm, parseTerms, reasonForm, recordForm } from '../../modules/contracts/schemas.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, type FieldErrors } from '../../web/forms.js';
import { parseReason, renderReasonPage, type ReasonPage } from '../../web/sign-step.js';
import { contractRows, documentRoutes, renderSign, shownDate, signedOf } from './helpers.js';

/**
 * The provider's side (seed 002 item 3.4): incoming requests; the contract card where an employee
 * edits the services (only the programme's, volumes within it) and the validity and signs with the
 * legal-entity key, or declines with a reason; records services rendered, forms the act, terminates.
 */
export function providerContractRoutes(services: WebServices): Router {
  const router = Router();
  const area = services.contracts.contracts;
  router.use('/supplier/contracts', requireRole('employee'), async (req, _res, next) => {
    await area.assertProvider(actorOf(req));
    next();
  });

  router.get('/supplier/contracts', async (req, res) => {
    const contracts = await area.listForProvider(actorOf(req));
    res.render('pages/contracts/provider-list.njk', {
      incoming: contracts.filter((c) => c.status === 'requested'),
      others: contracts.filter((c) => c.status !== 'requested'),
    });
  });

  async function renderCard(
    req: Request,
    res: Response,
    status = 200,
    errors?: FieldErrors,
    values?: Record<string, unknown>,
  ) {
    const view = await area.providerCard(actorOf(req), idParam(req));
    res.status(status).render('pages/contracts/provider-card.njk', {
      ...view,
      side: 'provider',
      base: '/supplier/contracts',
      errors,
      values: values ?? {},
    });
  }

  router.get('/supplier/contracts/:id', async (req, res) => {
    await renderCard(req, res);
  });

  // the terms and «Подписать» → the signing with the legal-entity key
  router.post('/supplier/contracts/:id/sign', async (req, res) => {
    const id = idParam(req);
    const terms = parseTerms(req.body);
    if (terms === null) throw new AppError('bad_request', 400);
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (!terms.ok) return renderCard(req, res, 400, terms.errors, values);
    let issued;
    try {
      issued = await area.issueProviderSign(actorOf(req), id, terms.data);
    } catch (err) {
      if (err instanceof ValidationError) return renderCard(req, res, 400, err.fields, values);
      throw err;
    }
    const t = req.t;
    renderSign(req, res, {
      title: t('contracts:provider.signTitle', { number: issued.terms.number }),
      rows: [
        { key: t('contracts:field.number'), value: issued.terms.number },
        { key: t('contracts:field.recipient'), value: issued.contract.person_name },
        {
          key: t('contracts:field.validity'),
          value: t('contracts:validityRange', {
            from: shownDate(issued.terms.validFrom),
            to: shownDate(issued.terms.validTo),
          }),
        },
        ...issued.terms.services.map((s) => ({
          key: s.name,
          value: t('contracts:provider.volumeLine', { volume: s.volume }),
        })),
      ],
      signRequest: issued.signRequest,
      action: `/supplier/contracts/${id}/sign/signed`,
      cancelHref: `/supplier/contracts/${id}`,
    });
  });

  router.post('/supplier/contracts/:id/sign/signed', async (req, res) => {
    const id = idParam(req);
    await area.applyProviderSign(actorOf(req), id, signedOf(req));
    flash(req, 'contracts:flash.providerSigned');
    res.redirect(303, `/supplier/contracts/${id}`);
  });

  router.post('/supplier/contracts/:id/records', async (req, res) => {
    const id = idParam(req);
    const form = parseForm(recordForm, req.body, 'contracts:errors.invalid');
    const values = (req.body ?? {}) as Record<string, unknown>;
    if (!form.ok) return renderCard(req, res, 400, form.errors, values);
    try {
      await area.record(actorOf(req), id, form.data);
    } catch (err) {
      if (err instanceof ValidationError) return renderCard(req, res, 400, err.fields, values);
      throw err;
    }
    flash(req, 'contracts:flash.recorded');
    res.redirect(303, `/supplier/contracts/${id}`);
  });

  router.post('/supplier/contracts/:id/acts', async (req, res) => {
    const id = idParam(req);
    parseForm(emptyForm, req.body);
    await area.formAct(actorOf(req), id);
    flash(req, 'contracts:flash.actFormed');
    res.redirect(303, `/supplier/contracts/${id}`);
  });

  const reasonRoutes = (path: string, action: ProviderReasonAction) => {
    const page = async (req: Request): Promise<ReasonPage> => {
      const id = idParam(req);
      const { contract } = await area.reasonTarget(actorOf(req), id, action);
      return {
        title: req.t(`contracts:${action}.title`),
        lead: req.t(`contracts:${action}.lead`),
        rows: contractRows(req.t, contract),
        reason: { label: req.t('contracts:field.reason'), hint: req.t(`contracts:${action}.hint`) },
        formAction: `/supplier/contracts/${id}/${path}`,
        submitLabel: req.t('contracts:button.continue'),
        backHref: `/supplier/contracts/${id}`,
        backLabel: req.t('common:back'),
      };
    };
    router.get(`/supplier/contracts/:id/${path}`, async (req, res) => renderReasonPage(res, await page(req)));
    router.post(`/supplier/contracts/:id/${path}`, async (req, res) => {
      const data = await parseReason(req, res, reasonForm, () => page(req));
      if (!data) return;
      const id = idParam(req);
      const issued = await area.issueReason(actorOf(req), id, action, data);
      renderSign(req, res, {
        title: req.t(`contracts:${action}.signTitle`),
        rows: [
          ...contractRows(req.t, issued.contract),
          { key: req.t('contracts:field.reason'), value: data.reason },
        ],
        signRequest: issued.signRequest,
        action: `/supplier/contracts/${id}/${path}/sign`,
        cancelHref: `/supplier/contracts/${id}`,
      });
    });
    router.post(`/supplier/contracts/:id/${path}/sign`, async (req, res) => {
      const id = idParam(req);
      await area.applyReason(actorOf(req), id, action, signedOf(req));
      flash(req, `contracts:flash.${action}`);
      res.redirect(303, `/supplier/contracts/${id}`);
    });
  };
  reasonRoutes('decline', 'decline');
  reasonRoutes('terminate', 'terminate_provider');

  documentRoutes(router, services, '/supplier/contracts', 'provider');

  return router;
}
