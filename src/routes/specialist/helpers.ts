import type { Request, Response, Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import type { ReasonAction } from '../../modules/specialist-services/rules.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import {
  fieldErrors,
  idParam,
  reasonForm,
  signedForm,
  type SignedInput,
} from '../../modules/specialist-services/schemas.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { renderSignStep } from '../../web/sign-step.js';

/** A path or query id, or 404. */
export function idOf(v: unknown): number {
  const r = idParam.safeParse(v);
  if (!r.success) throw new NotFoundError();
  return r.data;
}

/** The posted signature (signRequestId + signedXml); a post without one is a plain 400. */
export function signedOf(req: Request): SignedInput {
  const r = signedForm.safeParse(req.body);
  if (!r.success) throw new AppError('EDS_NO_SIGNATURE', 400);
  return r.data;
}

export interface SignPage {
  title: string;
  lead?: string;
  warning?: string;
  rows?: { key: string; value: string }[];
  signRequest: IssuedSignRequest;
  action: string;
  label: string;
  cancelHref?: string;
  cancelLabel?: string;
}

/**
 * The one page of every signed step: what is being signed, the document, the signing form; or, to
 * the browser signer, the document alone (src/web/sign-step.ts).
 */
export function renderSign(res: Response, page: SignPage): void {
  renderSignStep(res, 'pages/services/sign.njk', { ...page });
}

/** Runs fn; a ValidationError re-renders the form (400) through onInvalid. */
export async function withValidation<T>(
  fn: () => Promise<T>,
  onInvalid: (errors: Record<string, string>) => void | Promise<void>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ValidationError) {
      await onInvalid(err.fields);
      return undefined;
    }
    throw err;
  }
}

/** Content-Disposition: attachment (with a UTF-8 file name) for every download of the area. */
export function sendAttachment(res: Response, buffer: Buffer, fileName: string, mime: string): void {
  res.attachment(fileName);
  res.type(mime);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(buffer);
}

export interface ReasonActionRoutes {
  /** '/specialist/orders' or '/services/orders' */
  base: string;
  /** the URL segment of the action under `${base}/:id/` */
  path: string;
  action: ReasonAction;
  /** the other party of the order, shown on the sign page */
  party: 'recipient' | 'specialist';
}

/**
 * A signed action with a reason, on either side: GET the reason form, whose button issues the
 * document and opens the signing (without JavaScript: POST it → the sign page), POST `/sign`
 * (→ the order card with a flash).
 */
export function reasonActionRoutes(
  router: Router,
  area: WebServices['specialistServices'],
  { base, path, action, party }: ReasonActionRoutes,
): void {
  const renderReason = async (
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: Record<string, string>,
  ) => {
    const id = idOf(req.params.id);
    const { order } = await area.orders.actionTarget(actorOf(req), id, action);
    res.status(status).render('pages/services/reason.njk', {
      order,
      action,
      reasons: area.orders.reasonsFor(action),
      formAction: `${base}/${id}/${path}`,
      backHref: `${base}/${id}`,
      title: req.t(`services:${action}.title`),
      lead: req.t(`services:${action}.lead`),
      warning: action === 'specialist_cancel' ? req.t('services:specialist_cancel.warning') : '',
      submitLabel: req.t('services:button.confirm'),
      values: values ?? {},
      errors,
    });
  };
  router.get(`${base}/:id/${path}`, async (req, res) => {
    await renderReason(req, res, 200);
  });
  router.post(`${base}/:id/${path}`, async (req, res) => {
    const id = idOf(req.params.id);
    const form = reasonForm.safeParse(req.body);
    if (!form.success)
      return renderReason(req, res, 400, req.body as Record<string, unknown>, fieldErrors(form.error));
    const issued = await withValidation(
      () => area.orders.issueAction(actorOf(req), id, action, form.data),
      (errors) => renderReason(req, res, 400, req.body as Record<string, unknown>, errors),
    );
    if (!issued) return;
    const t = req.t;
    renderSign(res, {
      title: t(`services:${action}.signTitle`),
      rows: [
        { key: t('services:field.number'), value: issued.order.number },
        {
          key: t(`services:field.${party}`),
          value: party === 'recipient' ? issued.order.recipient_name : issued.order.specialist_name,
        },
        { key: t('services:field.reason'), value: t(`services:reasons.${form.data.reason}`) },
        { key: t('services:field.comment'), value: form.data.comment || '—' },
      ],
      signRequest: issued.signRequest,
      action: `${base}/${id}/${path}/sign`,
      label: t('services:button.sign'),
      cancelHref: `${base}/${id}`,
      cancelLabel: t('services:button.cancelSigning'),
    });
  });
  router.post(`${base}/:id/${path}/sign`, async (req, res) => {
    const id = idOf(req.params.id);
    await area.orders.applyAction(actorOf(req), id, action, signedOf(req));
    flash(req, `services:flash.${action}`);
    res.redirect(303, `${base}/${id}`);
  });
}
