import type { Request, Response } from 'express';

export interface FlashMessage {
  kind: 'success' | 'info';
  key: string;
  params?: Record<string, string | number>;
}

/** The signed cookie that carries the messages of a request to the next page (never the session). */
export const FLASH_COOKIE = 'portal.flash';

interface FlashState {
  /** messages of this request not yet shown */
  out: FlashMessage[];
  /** the page's messages are already taken: later ones are for the next page */
  taken: boolean;
  secure: boolean;
}

const STATE = Symbol('flash');
type WithFlash = Request & { [STATE]?: FlashState };

function stateOf(req: Request): FlashState {
  const r = req as WithFlash;
  return (r[STATE] ??= { out: [], taken: false, secure: Boolean(req.app.locals.secureCookies) });
}

/**
 * One-shot messages shown on the next page (a notification banner). They travel in a short-lived
 * signed cookie, not in the session: a step that only says "done" writes nothing to the database.
 * A message given before the page's locals are made (a session check) shows on this page.
 */
export function flash(
  req: Request,
  key: string,
  params?: Record<string, string | number>,
  kind: 'success' | 'info' = 'success',
): void {
  const s = stateOf(req);
  s.out.push({ kind, key, ...(params ? { params } : {}) });
  if (s.taken && req.res) writeCookie(req.res, s);
}

function writeCookie(res: Response, s: FlashState): void {
  // a cookie holds 4 KB: the newest messages win
  let out = s.out;
  while (out.length > 1 && JSON.stringify(out).length > 3000) out = out.slice(1);
  res.cookie(FLASH_COOKIE, JSON.stringify(out), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: s.secure,
    path: '/',
    maxAge: 10 * 60_000,
  });
}

function isMessage(m: unknown): m is FlashMessage {
  if (typeof m !== 'object' || m === null) return false;
  const { kind, key, params } = m as Record<string, unknown>;
  return (
    (kind === 'success' || kind === 'info') &&
    typeof key === 'string' &&
    /^[\w.:-]{1,100}$/.test(key) &&
    (params === undefined ||
      (typeof params === 'object' &&
        params !== null &&
        Object.values(params).every((v) => typeof v === 'string' || typeof v === 'number')))
  );
}

/**
 * The messages for this page: those the previous request left in the cookie (which is then cleared)
 * and those given earlier in this request. Messages given from here on go to the next page.
 */
export function takeFlash(req: Request, res: Response): FlashMessage[] {
  const s = stateOf(req);
  const now = s.out;
  s.out = [];
  s.taken = true;
  const raw: unknown = (req.signedCookies as Record<string, unknown> | undefined)?.[FLASH_COOKIE];
  if (req.cookies?.[FLASH_COOKIE] === undefined && raw === undefined) return now;
  res.clearCookie(FLASH_COOKIE, { httpOnly: true, sameSite: 'lax', secure: s.secure, path: '/' });
  let earlier: unknown = [];
  try {
    earlier = typeof raw === 'string' ? JSON.parse(raw) : [];
  } catch {
    earlier = [];
  }
  return [...(Array.isArray(earlier) ? earlier.filter(isMessage) : []), ...now];
}
