import type { Request, Response, Router } from 'express';
import type { TFunction } from 'i18next';
import type { Actor } from '../../lib/actor.js';
import type { ReasonAction } from '../../modules/specialist-services/rules.js';
import type { ServiceOrderView } from '../../modules/specialist-services/repository.js';
import type { ReasonInput } from '../../modules/specialist-services/schemas.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { parseId } from '../../lib/schema-blocks.js';
import { reasonForm } from '../../modules/specialist-services/schemas.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { parseForm, type FieldErrors, type SignedForm } from '../../web/forms.js';
import { renderReasonPage } from '../../web/sign-step.js';
import { orderVm } from './view-models.js';

/** An id in a query or form field (route parameters: idParam), or 404. */
export function idOf(v: unknown): number {
  const id = parseId(v);
  if (id === null) throw new NotFoundError();
  return id;
}

import { signedOf } from '../../web/forms.js';
import { areaSignPage } from '../../web/sign-step.js';

export { signedOf };

/** The area's sign page: the shared page with the area's hint, button and way back. */
export const renderSign = areaSignPage({
  hint: 'services:signHint',
  button: 'services:button.sign',
  cancel: 'services:button.cancelSigning',
});

/** Runs fn; a ValidationError re-renders the form (400) through onInvalid. */
export async function withValidation<T>(
  fn: () => Promise<T>,
  onInvalid: (errors: FieldErrors) => void | Promise<void>,
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

/** The posted form's own values, to show again with its errors. */
export function bodyOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/**
 * The service a party's signed steps with a reason go through: the order's side (the recipient's,
 * the specialist's or the organisation's) checks the actor and the machine's row.
 */
export interface ReasonSteps<A extends ReasonAction> {
  actionTarget(actor: Actor, orderId: number, action: A): Promise<{ order: ServiceOrderView }>;
  issueAction(
    actor: Actor,
    orderId: number,
    action: A,
    reason: ReasonInput,
  ): Promise<{ signRequest: IssuedSignRequest; order: ServiceOrderView }>;
  applyAction(actor: Actor, orderId: number, action: A, signed: SignedForm): Promise<unknown>;
  reasonsFor(action: A): readonly string[];
}

export interface ReasonActionRoutes<A extends ReasonAction = ReasonAction> {
  /** '/specialist/orders', '/services/orders' or '/supplier/service-orders' */
  base: string;
  /** the URL segment of the action under `${base}/:id/` */
  path: string;
  action: A;
  /** the other party of the order, shown on the sign page */
  party: 'recipient' | 'specialist';
}

/** The order's number and parties, as the reason page shows them. */
function partiesRows(t: TFunction, order: ReturnType<typeof orderVm>) {
  return [
    { key: t('services:field.number'), value: order.number },
    // an organisation's order names the organisation until it assigns its specialist
    order.specialistName || !order.organisationName
      ? { key: t('services:field.specialist'), value: order.specialistName }
      : { key: t('services:field.organisation'), value: order.organisationName },
    { key: t('services:field.recipient'), value: order.recipientName },
  ];
}

/**
 * A signed action with a reason, on either side: GET the reason form (the shared refusal page),
 * whose button issues the document and opens the signing (without JavaScript: POST it → the sign
 * page), POST `/sign` (→ the order card with a flash).
 */
export function reasonActionRoutes<A extends ReasonAction>(
  router: Router,
  steps: ReasonSteps<NoInfer<A>>,
  { base, path, action, party }: ReasonActionRoutes<A>,
): void {
  const renderReason = async (
    req: Request,
    res: Response,
    status: number,
    values?: Record<string, unknown>,
    errors?: FieldErrors,
  ) => {
    const id = idOf(req.params.id);
    const t = req.t;
    const { order } = await steps.actionTarget(actorOf(req), id, action);
    renderReasonPage(
      res,
      {
        title: t(`services:${action}.title`),
        lead: t(`services:${action}.lead`),
        ...(action === 'specialist_cancel' ? { warning: t('services:specialist_cancel.warning') } : {}),
        rows: partiesRows(t, orderVm(order)),
        reason: {
          label: t('services:field.reason'),
          choices: steps.reasonsFor(action).map((r) => ({ value: r, text: t(`services:reasons.${r}`) })),
          commentLabel: t('services:field.reasonComment'),
          commentHint: t('services:hint.reasonComment'),
        },
        formAction: `${base}/${id}/${path}`,
        submitLabel: t('services:button.confirm'),
        backHref: `${base}/${id}`,
        backLabel: t('common:back'),
        values: values ?? {},
        ...(errors ? { errors } : {}),
      },
      status,
    );
  };
  router.get(`${base}/:id/${path}`, async (req, res) => {
    await renderReason(req, res, 200);
  });
  router.post(`${base}/:id/${path}`, async (req, res) => {
    const id = idOf(req.params.id);
    const form = parseForm(reasonForm, req.body, 'services:errors.invalid');
    if (!form.ok) return renderReason(req, res, 400, bodyOf(req), form.errors);
    const issued = await withValidation(
      () => steps.issueAction(actorOf(req), id, action, form.data),
      (errors) => renderReason(req, res, 400, bodyOf(req), errors),
    );
    if (!issued) return;
    const t = req.t;
    const order = orderVm(issued.order);
    renderSign(req, res, {
      title: t(`services:${action}.signTitle`),
      rows: [
        { key: t('services:field.number'), value: order.number },
        {
          key: t(`services:field.${party}`),
          value: party === 'recipient' ? order.recipientName : order.specialistName,
        },
        { key: t('services:field.reason'), value: t(`services:reasons.${form.data.reason}`) },
        { key: t('services:field.comment'), value: form.data.comment || '—' },
      ],
      signRequest: issued.signRequest,
      action: `${base}/${id}/${path}/sign`,
      cancelHref: `${base}/${id}`,
    });
  });
  router.post(`${base}/:id/${path}/sign`, async (req, res) => {
    const id = idOf(req.params.id);
    await steps.applyAction(actorOf(req), id, action, signedOf(req));
    flash(req, `services:flash.${action}`);
    res.redirect(303, `${base}/${id}`);
  });
}
