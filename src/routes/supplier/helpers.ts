import type { Request } from 'express';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { parseId } from '../../lib/schema-blocks.js';

/** A positive integer id from the URL, or the 404 every unknown record gets. */
export function idParam(req: Request, name = 'id'): number {
  const n = parseId(req.params[name]);
  if (n === null) throw new NotFoundError();
  return n;
}

/** A problem the person can fix or should know about (shown on the page), as opposed to a fault. */
export function userError(
  err: unknown,
): { status: number; key: string; params: Record<string, string | number> } | null {
  if (err instanceof ValidationError || err instanceof NotFoundError) return null;
  if (err instanceof AppError && err.status < 500) {
    return {
      status: err.status,
      key: err.code.includes(':') ? err.code : `errors:${err.code}`,
      params: err.params,
    };
  }
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('EDS_')) {
    const status = (err as { status?: number }).status ?? 400;
    return { status: status >= 500 ? 400 : status, key: `errors:${code}`, params: {} };
  }
  return null;
}

/** The query string of a filtered list without the page, for pagination links. */
export function queryWithout(query: Record<string, unknown>, drop: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (k !== drop && typeof v === 'string' && v !== '') p.set(k, v);
  return p.toString();
}
