import type { NextFunction, Request, Response } from 'express';
import { AppError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../logger.js';
import { LOCALES, tFor } from '../lib/i18n.js';
import { languageOf } from './i18n.js';
import { withoutCsrfToken } from './security.js';

const PAGE_STATUSES = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429]);

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', 404));
}

/**
 * Errors of the body parsers (body-parser, raw-body): their `type` → our code. Each is the sender's
 * fault (too large, too many fields, malformed, an unknown charset or encoding, a broken upload).
 */
const BODY_ERRORS: Record<string, { status: number; code: string }> = {
  'entity.too.large': { status: 413, code: 'too_large' },
  'parameters.too.many': { status: 413, code: 'too_many_fields' },
  'entity.parse.failed': { status: 400, code: 'bad_request' },
  'entity.verify.failed': { status: 400, code: 'bad_request' },
  'request.aborted': { status: 400, code: 'bad_request' },
  'request.size.invalid': { status: 400, code: 'bad_request' },
  'charset.unsupported': { status: 415, code: 'unsupported_encoding' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding' },
};

/**
 * PostgreSQL's data exceptions (class 22: a NUL byte, a date out of range, a number too large for its
 * column, text too long) caused by input that the schemas should have refused. A second line of
 * defence: the person gets a 400 with a translated message, the log a warning naming the gap.
 */
function isDataException(err: unknown): boolean {
  const code = codeOf(err);
  return (
    typeof code === 'string' &&
    /^22[0-9A-Z]{3}$/.test(code) &&
    typeof (err as { severity?: unknown }).severity === 'string'
  );
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/**
 * Typed errors become a translated page with their status; anything else is a 500 with a reference id
 * (the request id, also on the log line). The stack goes to the log only, never to the page.
 */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const reference = String(req.id ?? '');
    let status = 500;
    let code = 'internal';
    let params: Record<string, string | number> = {};
    if (err instanceof AppError) {
      status = err.status;
      code = err.code;
      params = err.params;
    } else if (BODY_ERRORS[String((err as { type?: unknown }).type)]) {
      ({ status, code } = BODY_ERRORS[String((err as { type?: unknown }).type)]!);
    } else if (codeOf(err)?.startsWith('EDS_')) {
      status = (err as { status?: number }).status ?? 400;
      code = codeOf(err)!;
    } else if (isDataException(err)) {
      status = 400;
      code = 'input_rejected';
      logger.warn({ err, reqId: reference }, 'input reached the database unchecked');
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
    const page = PAGE_STATUSES.has(status) ? status : status < 500 ? 400 : 500;
    const title = t ? t(`errors:page.${page}.title`) : 'Error';
    const key = code.includes(':') ? code : `errors:${code}`;
    const message = t ? t(key, { ...params, defaultValue: t(`errors:page.${page}.body`) }) : code;
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
    // no stack or driver message on the page, on the dev stand either (it may quote SQL and data):
    // the reference finds them in the log
    res.render(
      'pages/error.njk',
      { status, title, message, reference },
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
