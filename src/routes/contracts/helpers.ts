import type { Response } from 'express';
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
