import type { Response, Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { actorOf } from '../../web/auth-context.js';
import { idParam } from '../../web/forms.js';
import type { TFunction } from 'i18next';
import type { ContractView } from '../../modules/contracts/index.js';
import type { SummaryRow } from '../../web/sign-step.js';

import { signedOf } from '../../web/forms.js';
import { areaSignPage } from '../../web/sign-step.js';

export { signedOf };

/** The area's sign page: the shared page with the area's hint, button and way back. */
export const renderSign = areaSignPage({
  hint: 'contracts:signHint',
  button: 'contracts:button.sign',
  cancel: 'contracts:button.cancel',
});

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

/** The contract as a document for one side: `{base}/:id/contract.pdf` and each signature's XML. */
export function documentRoutes(
  router: Router,
  services: WebServices,
  base: string,
  side: 'person' | 'provider',
): void {
  router.get(`${base}/:id/contract.pdf`, async (req, res) => {
    const { number, pdf } = await services.contracts.documents.pdf(actorOf(req), idParam(req), side);
    sendAttachment(res, pdf, `${number}.pdf`, 'application/pdf');
  });
  router.get(`${base}/:id/signatures/:which.xml`, async (req, res) => {
    const which = req.params.which;
    if (which !== 'provider' && which !== 'recipient') throw new NotFoundError();
    const { number, xml } = await services.contracts.documents.xml(actorOf(req), idParam(req), side, which);
    sendAttachment(res, xml, `${number}-${which}.xml`, 'application/xml');
  });
}
