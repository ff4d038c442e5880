import type { Request, Response } from 'express';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { idParam, signedForm, type SignedInput } from '../../modules/specialist-services/schemas.js';

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

/** The one page of every signed step: what is being signed, the document, the signing form. */
export function renderSign(res: Response, page: SignPage): void {
  res.render('pages/services/sign.njk', page);
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
