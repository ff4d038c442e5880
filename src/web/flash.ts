import type { Request } from 'express';

/** One-shot messages shown on the next page (a notification banner). */
export function flash(
  req: Request,
  key: string,
  params?: Record<string, string | number>,
  kind: 'success' | 'info' = 'success',
): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, key, ...(params ? { params } : {}) }];
}
