import type { Request, Response } from 'express';
import type { IssuedSignRequest } from '../modules/signing/signing-service.js';

/**
 * The header the browser signer sends when a step's button (a form marked data-eds-issue) asks for
 * the document to sign in the page instead of the page that shows it.
 */
export const ISSUE_HEADER = 'x-eds-issue';

export function wantsIssuedDocument(req: Request): boolean {
  return req.get(ISSUE_HEADER) === '1';
}

/**
 * One signing rhythm: the step's document goes to the browser signer as JSON (it opens the signing
 * at once), or, without JavaScript, the page with the document and its signing form is rendered.
 * `locals.action` is where the signed document is posted.
 */
export function renderSignStep(
  res: Response,
  view: string,
  locals: { signRequest: IssuedSignRequest; action: string } & Record<string, unknown>,
): void {
  const req = res.req;
  if (wantsIssuedDocument(req)) {
    const { signRequest, action } = locals;
    res.json({
      signRequestId: signRequest.id,
      xml: signRequest.xml,
      keyType: signRequest.keyType,
      signer: signRequest.signer,
      action,
    });
    return;
  }
  res.render(view, locals);
}
