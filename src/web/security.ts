import crypto from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import multer from 'multer';
import { AppError } from '../lib/errors.js';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export function setUpSecurityHeaders(app: Express, production: boolean): void {
  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
    next();
  });
  app.use(
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
          ...(production ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      crossOriginEmbedderPolicy: false,
      hsts: production,
    }),
  );
  // the portal needs none of the browser's powerful features; video may go full screen
  app.use((_req, res, next) => {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    next();
  });
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

const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
    const header = req.headers['x-csrf-token'];
    return fromBody ?? (typeof header === 'string' ? header : undefined);
  },
});

/**
 * Every POST (PUT, PATCH, DELETE) must carry the session's CSRF token. Multipart bodies are parsed
 * here first (into memory, bounded) so that no upload route can skip the check.
 */
export function setUpCsrf(app: Express, opts: { exemptPaths?: RegExp[] } = {}): void {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 10, fields: 100 },
  }).any();
  app.use((req: Request, res: Response, next: NextFunction) => {
    // a getter, so that only pages that render a form create a session
    Object.defineProperty(res.locals, 'csrfToken', {
      configurable: true,
      enumerable: true,
      get: () => csrf.generateToken(req),
    });
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    if (opts.exemptPaths?.some((re) => re.test(req.path))) return next();
    const check = () =>
      csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
        if (err) return next(new AppError('csrf', 403));
        next();
      });
    if (req.is('multipart/form-data')) {
      upload(req, res, (err?: unknown) => {
        if (err) {
          const code = (err as { code?: string }).code;
          return next(new AppError(code === 'LIMIT_FILE_SIZE' ? 'upload_too_large' : 'upload_failed', 413));
        }
        check();
      });
      return;
    }
    check();
  });
}
