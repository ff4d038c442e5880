import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { parseId, textKeyOr } from '../../lib/schema-blocks.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { uploadsOf } from '../../web/uploads.js';

export type FormErrors = Record<string, string>;

/**
 * Parses a form with its strict schema. Field problems come back as { field: locale key } for the
 * error summary; a field the form does not have (a tampered request) is a plain 400.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FormErrors } {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, data: r.data };
  if (r.error.issues.some((i) => i.code === 'unrecognized_keys')) throw new AppError('bad_request', 400);
  const errors: FormErrors = {};
  for (const issue of r.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (errors[field]) continue;
    errors[field] = textKeyOr(issue.message, 'admin:errors.invalid');
  }
  return { ok: false, errors };
}

/** A positive integer route parameter, or 404. */
export function idParam(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError();
  return id;
}

/** Files of a multipart request (streamed to temporary files by the route's upload parser). */
export function filesOf(req: Request): UploadedFile[] {
  return uploadsOf(req);
}

/** The form fields of a multipart request without the file fields. */
export function fieldsOf(req: Request): Record<string, unknown> {
  return { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
}

/** Sends a CSV export as a download. */
export function sendCsv(res: Response, fileName: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(csv);
}
