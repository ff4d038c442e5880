import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { parseId } from '../../lib/schema-blocks.js';
import { EdsError } from '../../eds/index.js';
import { fieldErrors, type FieldErrors } from '../../modules/msu/schemas.js';

/** A positive integer route parameter, or 404. */
export function idParam(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError();
  return id;
}

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

/** Parses a form with its schema; the field errors when it does not parse. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(body ?? {});
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: fieldErrors(r.error) };
}

export function validationFields(err: unknown): FieldErrors | null {
  return err instanceof ValidationError ? err.fields : null;
}
