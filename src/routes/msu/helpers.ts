import type { Request, Response } from 'express';
import { AppError, ValidationError } from '../../lib/errors.js';
import { astanaDateTime } from '../../lib/clock.js';
import { EdsError } from '../../eds/index.js';
import type { FieldErrors } from '../../web/forms.js';
import type { SummaryRow } from '../../web/sign-step.js';
import type { PlaceView, Texts } from '../../modules/msu/view-models.js';

/** An error a person can act on (a refused signature, a rule, a conflict) rather than a fault. */
export function isUserError(err: unknown): err is AppError | EdsError {
  if (err instanceof EdsError) return true;
  return (
    err instanceof AppError &&
    err.status < 500 &&
    err.status !== 404 &&
    err.status !== 403 &&
    err.status !== 401
  );
}

/** The translated message of a user error. */
export function messageOf(req: Request, err: AppError | EdsError): string {
  const code = err.code;
  const params = err instanceof AppError ? err.params : {};
  return req.t(code.includes(':') ? code : `errors:${code}`, params);
}

export function codeOf(err: unknown): string | undefined {
  return err instanceof AppError || err instanceof EdsError ? err.code : undefined;
}

export function validationFields(err: unknown): FieldErrors | null {
  return err instanceof ValidationError ? err.fields : null;
}

/** A refused step: its message on the МСУ refusal page with the way back; a fault goes on up. */
export function renderRefused(req: Request, res: Response, err: unknown, back: string): void {
  if (!isUserError(err)) throw err;
  res.status(409).render('pages/msu/refused.njk', { message: messageOf(req, err), back });
}

/** A text in the page's language (Russian when the institution wrote none in it). */
export function textIn(t: Texts, lang: string): string {
  return t[lang as 'ru' | 'kk' | 'en'] || t.ru || '';
}

export function dateTime(d: Date | null): string {
  return d ? astanaDateTime(d).toFormat('dd.MM.yyyy HH:mm') : '';
}

/** YYYY-MM-DD as the pages write a day. */
export function day(d: string | null): string {
  return d ? d.split('-').reverse().join('.') : '';
}

/** The institution and department a step is about, as the sign pages summarise it. */
export function placeRows(req: Request, p: PlaceView): SummaryRow[] {
  const t = req.t;
  const rows: SummaryRow[] = [
    { key: t('msu:order.institution'), value: p.institution },
    {
      key: t('msu:order.department'),
      value: `${textIn(p.department, req.lang)} (${t(`msu:profile.${p.profile}`)}; ${t(`msu:sex.${p.sex}`)}; ${t(`msu:ageGroup.${p.ageGroup}`)})`,
    },
    { key: t('msu:inst.address'), value: p.address },
  ];
  if (p.phone) rows.push({ key: t('msu:inst.phone'), value: p.phone });
  if (p.recipient) rows.push({ key: t('msu:order.recipient'), value: p.recipient });
  return rows;
}
