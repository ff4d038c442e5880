/**
 * The one forms module of every cabinet: a route parameter id, a form parsed with its strict schema
 * into data or field errors (field → text key), and the error summary's shape. A field the form does
 * not have is a forged request and gets a plain 400.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, NotFoundError } from '../lib/errors.js';
import { parseId, textKeyOr } from '../lib/schema-blocks.js';

export { signedForm, type SignedForm } from '../lib/schema-blocks.js';
import { signedForm as signedFormSchema, type SignedForm as SignedFormData } from '../lib/schema-blocks.js';

/** The posted signature (signRequestId + signedXml); a post without one is a plain 400. */
export function signedOf(req: Request): SignedFormData {
  const r = signedFormSchema.safeParse(req.body);
  if (!r.success) throw new AppError('EDS_NO_SIGNATURE', 400);
  return r.data;
}

/** field → text key of its first problem */
export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** A positive integer route parameter, or the 404 every unknown record gets. */
export function idParam(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError();
  return id;
}

/**
 * The first problem of each field as a text key. zod's own sentences never reach a person: a message
 * that is not one of our keys becomes `fallback`.
 */
export function fieldErrors(error: z.ZodError, fallback = 'errors:validation'): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (!out[field]) out[field] = textKeyOr(issue.message, fallback);
  }
  return out;
}

/** Parses a form with its strict schema: the data, or the field errors for the page to show. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  fallback = 'errors:validation',
): FormResult<z.output<S>> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, data: r.data };
  if (r.error.issues.some((i) => i.code === 'unrecognized_keys')) throw new AppError('bad_request', 400);
  return { ok: false, errors: fieldErrors(r.error, fallback) };
}
