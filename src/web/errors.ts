import type { NextFunction, Request, Response } from 'express';
import { AppError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../logger.js';
import { languageOf, LOCALES, tFor } from './i18n.js';
import { withoutCsrfToken } from './security.js';

const PAGE_STATUSES = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429]);

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', 404));
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/**
 * Typed errors become a translated page with their status; anything else is a 500 with a reference id
 * (the request id, also on the log line). Development shows the stack; production never does.
 */
export function errorHandler(logger: Logger, production: boolean) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const reference = String(req.id ?? '');
    let status = 500;
    let code = 'internal';
    let params: Record<string, string | number> = {};
    if (err instanceof AppError) {
      status = err.status;
      code = err.code;
      params = err.params;
    } else if ((err as { type?: string }).type === 'entity.too.large') {
      status = 413;
      code = 'too_large';
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      status = 400;
      code = 'bad_request';
    } else if (codeOf(err)?.startsWith('EDS_')) {
      status = (err as { status?: number }).status ?? 400;
      code = codeOf(err)!;
    }
    if (status >= 500) logger.error({ err, reqId: reference }, 'request failed');
    else logger.info({ code, status, reqId: reference }, 'request refused');
    if (res.headersSent) return;
    if (status === 401 && code === 'unauthenticated') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(status);
    // an error may come before the middleware that fills these
    res.locals.currentPath ??= req.path;
    res.locals.currentUrl ??= withoutCsrfToken(req.originalUrl);
    res.locals.auth ??= req.session?.auth ?? null;
    if (!req.t) {
      req.lang = languageOf(req);
      req.t = tFor(req.lang);
      res.locals.lang = req.lang;
      res.locals.t = req.t;
      res.locals.locales = LOCALES;
    }
    const t = req.t;
    const title = t ? t(`errors:page.${PAGE_STATUSES.has(status) ? status : 500}.title`) : 'Error';
    const key = code.includes(':') ? code : `errors:${code}`;
    const message = t
      ? t(key, { ...params, defaultValue: t(`errors:page.${PAGE_STATUSES.has(status) ? status : 500}.body`) })
      : code;
    // the machine API (Е-Собес) always answers JSON, whatever its client accepts
    const api = req.path.startsWith('/api/');
    if (api || (req.accepts(['html', 'json']) === 'json' && !req.accepts('html'))) {
      res.json({
        error: code,
        message,
        reference,
        ...(err instanceof ValidationError ? { fields: err.fields } : {}),
      });
      return;
    }
    res.render(
      'pages/error.njk',
      {
        status,
        title,
        message,
        reference,
        stack: !production && status >= 500 && err instanceof Error ? err.stack : undefined,
      },
      (renderErr: Error | null, html?: string) => {
        if (renderErr) {
          logger.error({ err: renderErr, reqId: reference }, 'error page failed to render');
          res.type('text/plain').send(`${title}\n${message}\n${reference}`);
          return;
        }
        res.send(html);
      },
    );
  };
}
