import crypto from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

declare module 'http' {
  interface IncomingMessage {
    /** the request id: the caller's x-request-id when it looks like one, else a new UUID */
    id: string;
    /** a logger whose lines carry the request id (made on first use: most requests never log) */
    log: Logger;
  }
}

export interface RequestLogOptions {
  /** what the URL shows on the log line (IINs in it masked) */
  maskUrl: (url: string) => string;
  /** who is logged in, when someone is */
  personOf: (req: Request) => number | undefined;
}

const QUIET = (url: string) => url === '/healthz' || url.startsWith('/assets/');

/**
 * One line per request, written when the answer is finished (or the connection closed before it):
 * request id, method, masked URL, status, time taken and the logged-in person. No child logger is
 * made per request and nothing is serialised before the line is written: the request id is answered
 * in `x-request-id`, and a route that logs (`req.log`) gets a child logger on first use.
 */
export function requestLog(app: Express, logger: Logger, opts: RequestLogOptions): void {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request & { _log?: Logger }) {
      return (this._log ??= logger.child({ reqId: this.id }));
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader('x-request-id', req.id);
    if (QUIET(req.url)) return next();
    const started = process.hrtime.bigint();
    let written = false;
    const line = () => {
      if (written) return;
      written = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? res.statusCode : null;
      logger.info(
        {
          reqId: req.id,
          method: req.method,
          url: opts.maskUrl(req.originalUrl),
          status,
          ms: Math.round(ms * 10) / 10,
          personId: opts.personOf(req),
        },
        status === null ? 'request aborted' : 'request completed',
      );
    };
    res.once('finish', line);
    res.once('close', line);
    next();
  });
}
