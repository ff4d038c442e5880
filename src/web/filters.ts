import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/**
 * Reads a GET page's filters. A filter value the schema cannot take (a date that does not exist,
 * control characters, an over-long text) is left out rather than refused, since filters are links
 * people share; the request remembers that this happened, and the layout tells the person so in
 * their language (`filtersIgnored`), so nothing is dropped silently.
 */
export function parseFilters<S extends z.ZodObject>(schema: S, req: Request): z.output<S> {
  const filter = schema.parse(req.query);
  const out = filter as Record<string, unknown>;
  const given = req.query as Record<string, unknown>;
  const ignored = Object.keys(schema.shape).some((k) => {
    const v = given[k];
    const sent = Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.trim() !== '' : v !== undefined;
    return sent && out[k] === undefined;
  });
  if (ignored) req.filtersIgnored = true;
  return filter;
}

/** Lets every page's layout see whether a filter of this request was left out. */
export function setUpFilterNotice(req: Request, res: Response, next: NextFunction): void {
  Object.defineProperty(res.locals, 'filtersIgnored', {
    configurable: true,
    enumerable: true,
    get: () => req.filtersIgnored === true,
  });
  next();
}
