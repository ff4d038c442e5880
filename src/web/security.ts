import crypto from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../lib/errors.js';
import { takesUploads } from './uploads.js';

/**
 * `https`: served over HTTPS only (production): HSTS and upgrade-insecure-requests. The policy is the
 * same for every answer, so helmet runs once at startup and each answer gets the headers it set, in
 * one step (a dozen middleware calls per request otherwise).
 */
export function setUpSecurityHeaders(app: Express, https: boolean): void {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          // the browser signer talks to NCALayer on the person's own machine
          connectSrc: ["'self'", 'wss://127.0.0.1:13579'],
          mediaSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      crossOriginEmbedderPolicy: false,
      hsts: https,
    }),
  );
  // the portal needs none of the browser's powerful features; video may go full screen
  headers.push(['Permissions-Policy', PERMISSIONS_POLICY]);
  app.use((_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  });
}

/** The headers a request-independent middleware sets, found by running it once on a recording answer. */
function headersSetBy(middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void) {
  const headers: [string, string][] = [];
  let done = false;
  const res = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  middleware({ headers: {} } as Request, res as unknown as Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  if (!done) throw new Error('the security headers middleware did not finish at once');
  return headers;
}

export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'fullscreen=(self)',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ');

/**
 * The URL without the CSRF token an upload form's action carries, for links built from the current
 * address (the low-vision switch's return): the token never travels on in a GET.
 */
export function withoutCsrfToken(url: string): string {
  return url
    .replace(/([?&])_csrf=[^&#]*(&?)/g, (_m, sep: string, next: string) => (next ? sep : ''))
    .replace(/[?&]$/, '');
}

/**
 * The session's CSRF token is an HMAC of the session id under the session secret: it exists as soon
 * as the session does, every page of a session shows the same token, and nothing is stored that a
 * save of an overlapping request could overwrite (a stored token generated on first render was lost
 * that way: two first pages of a new session each stored their own, and «Далее» on the page whose
 * token lost answered 403). The id rotates at login, and so does the token; the id never leaves the
 * HttpOnly cookie, and the token does not reveal it.
 */
function csrfFor(secret: string) {
  const tokenOf = (req: Request) =>
    crypto.createHmac('sha256', secret).update(`csrf:${req.sessionID}`).digest('base64url');
  return csrfSync({
    getTokenFromRequest: (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      // a multipart body is not read before the check: its form carries the token in the action URL
      const query = req.is('multipart/form-data') ? req.query._csrf : undefined;
      return (
        fromBody ??
        (typeof header === 'string' ? header : undefined) ??
        (typeof query === 'string' ? query : undefined)
      );
    },
    getTokenFromState: (req: Request) => (req.sessionID ? tokenOf(req) : undefined),
    storeTokenInState: () => undefined,
  });
}

/**
 * Every POST (PUT, PATCH, DELETE) must carry the session's CSRF token. A multipart body is not read
 * here: its token comes in the query string (the form's action URL) or the X-CSRF-Token header, and a
 * multipart POST to a route that takes no files is refused (415) before a byte of its body is read.
 * The upload routes parse their bodies themselves, after the role check, with their own limits
 * (`acceptUploads` in uploads.ts).
 */
export function setUpCsrf(app: Express, opts: { secret: string; exemptPaths?: RegExp[] }): void {
  const csrf = csrfFor(opts.secret);
  app.use((req: Request, res: Response, next: NextFunction) => {
    // a getter, so that only pages that render a form keep a session for an anonymous visitor (the
    // mark makes express-session store it); a logged-in session is stored at login, and rendering
    // its pages writes nothing to it (a save could undo what an overlapping request changed)
    Object.defineProperty(res.locals, 'csrfToken', {
      configurable: true,
      enumerable: true,
      get: () => {
        if (req.session && !req.session.auth && !req.session.csrf) req.session.csrf = true;
        return csrf.generateToken(req);
      },
    });
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    if (opts.exemptPaths?.some((re) => re.test(req.path))) return next();
    csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (err) return next(new AppError('csrf', 403));
      if (req.is('multipart/form-data') && !takesUploads(req))
        return next(new AppError('multipart_not_accepted', 415));
      next();
    });
  });
}
