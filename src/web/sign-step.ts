import type { Request, Response } from 'express';
import type { z } from 'zod';
import { parseForm } from './forms.js';
import type { IssuedSignRequest } from '../modules/signing/signing-service.js';

/**
 * The header the browser signer sends when a step's button (a form marked data-eds-issue) asks for
 * the document to sign in the page instead of the page that shows it.
 */
export const ISSUE_HEADER = 'x-eds-issue';

export function wantsIssuedDocument(req: Request): boolean {
  return req.get(ISSUE_HEADER) === '1';
}

/** A summary row as the shared pages show it (text; `html` only for markup built from escaped parts). */
export interface SummaryRow {
  key: string;
  value?: string;
  html?: string;
}

/** The one sign page (views/pages/sign.njk): every text already in the reader's language. */
export interface SignPage {
  signRequest: IssuedSignRequest;
  /** where the signed document is posted */
  action: string;
  title: string;
  caption?: string;
  lead?: string;
  warning?: string;
  rows?: SummaryRow[];
  /** the sentence before the document: which key signs and what signing means */
  hint?: string;
  buttonLabel: string;
  cancelHref?: string;
  cancelLabel?: string;
}

/** The one refusal-with-reason page (views/pages/reason.njk). */
export interface ReasonPage {
  title: string;
  caption?: string;
  lead?: string;
  warning?: string;
  rows?: SummaryRow[];
  reason: {
    label: string;
    hint?: string;
    /** a choice of reasons (with a comment field); free text when absent */
    choices?: { value: string; text: string }[];
    commentLabel?: string;
    commentHint?: string;
  };
  formAction: string;
  submitLabel: string;
  backHref: string;
  backLabel?: string;
  /** the visually hidden word before a field's error (govuk's «Error» when absent) */
  errorPrefix?: string;
  errors?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** An area's sign page: the shared page with the area's hint, button and way back (locale keys). */
export function areaSignPage(keys: { hint: string; button: string; cancel: string }) {
  return (req: Request, res: Response, page: Omit<SignPage, 'hint' | 'buttonLabel' | 'cancelLabel'>): void =>
    renderSignPage(res, {
      ...page,
      hint: req.t(keys.hint),
      buttonLabel: req.t(keys.button),
      cancelLabel: req.t(keys.cancel),
    });
}

/**
 * One signing rhythm: the step's document goes to the browser signer as JSON (it opens the signing
 * at once), or, without JavaScript, the one sign page with the document and its signing form.
 */
export function renderSignPage(res: Response, page: SignPage): void {
  if (wantsIssuedDocument(res.req)) {
    const { signRequest, action } = page;
    res.json({
      signRequestId: signRequest.id,
      xml: signRequest.xml,
      keyType: signRequest.keyType,
      signer: signRequest.signer,
      action,
    });
    return;
  }
  res.render('pages/sign.njk', page);
}

/** The refusal-with-reason page (shown again with the field errors when the reason does not parse). */
export function renderReasonPage(res: Response, page: ReasonPage, status = 200): void {
  res.status(status).render('pages/reason.njk', { values: {}, ...page });
}

/**
 * The reason a refusal-with-reason page posts: the parsed form, or null after the page was shown again
 * (400) with the posted values and the field errors.
 */
export async function parseReason<S extends z.ZodType>(
  req: Request,
  res: Response,
  schema: S,
  page: () => Promise<ReasonPage>,
): Promise<z.output<S> | null> {
  const form = parseForm(schema, req.body);
  if (form.ok) return form.data;
  renderReasonPage(
    res,
    { ...(await page()), values: req.body as Record<string, unknown>, errors: form.errors },
    400,
  );
  return null;
}
