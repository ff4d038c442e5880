import type { Request, Response } from 'express';
import type { TFunction } from 'i18next';
import type { ContractView } from '../../modules/contracts/index.js';
import { AppError } from '../../lib/errors.js';
import { signedForm, type SignedForm } from '../../web/forms.js';
import { renderSignPage, type SignPage, type SummaryRow } from '../../web/sign-step.js';

/** The posted signature (signRequestId + signedXml); a post without one is a plain 400. */
export function signedOf(req: Request): SignedForm {
  const r = signedForm.safeParse(req.body);
  if (!r.success) throw new AppError('EDS_NO_SIGNATURE', 400);
  return r.data;
}

/** The area's sign page: the shared page with the area's hint, button and way back. */
export function renderSign(
  req: Request,
  res: Response,
  page: Omit<SignPage, 'hint' | 'buttonLabel' | 'cancelLabel'>,
): void {
  renderSignPage(res, {
    ...page,
    hint: req.t('contracts:signHint'),
    buttonLabel: req.t('contracts:button.sign'),
    cancelLabel: req.t('contracts:button.cancel'),
  });
}

/** dd.mm.yyyy of an ISO date, or «—». */
export function shownDate(iso: string | null): string {
  return iso ? iso.split('-').reverse().join('.') : '—';
}

/** The contract's head as the sign and reason pages show it. */
export function contractRows(t: TFunction, c: ContractView): SummaryRow[] {
  return [
    { key: t('contracts:field.number'), value: c.number ?? '—' },
    { key: t('contracts:field.provider'), value: c.organisation_name },
    { key: t('contracts:field.recipient'), value: c.person_name },
    {
      key: t('contracts:field.validity'),
      value: c.valid_from
        ? t('contracts:validityRange', { from: shownDate(c.valid_from), to: shownDate(c.valid_to) })
        : '—',
    },
  ];
}

/** Content-Disposition: attachment (with a UTF-8 file name) for the area's downloads. */
export function sendAttachment(res: Response, body: Buffer | string, fileName: string, mime: string): void {
  res.attachment(fileName);
  res.type(mime);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(body);
}
