import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, initI18n, isLocale, LANG_COOKIE, LOCALES, tFor, type Locale } from '../lib/i18n.js';

/** The request's language without the cookie middleware (for errors raised before it ran). */
export function languageOf(req: Request): Locale {
  const q = req.query?.lang;
  if (isLocale(q)) return q;
  const m = /(?:^|;\s*)lang=([a-z]{2})/.exec(req.headers.cookie ?? '');
  return isLocale(m?.[1]) ? (m![1] as Locale) : DEFAULT_LOCALE;
}

/** Language from the query (remembered in a cookie), then the cookie, then the default. */
export function languageMiddleware(secureCookies: boolean) {
  initI18n();
  return (req: Request, res: Response, next: NextFunction) => {
    const q = req.query.lang;
    let lang: Locale = DEFAULT_LOCALE;
    if (isLocale(q)) {
      lang = q;
      res.cookie(LANG_COOKIE, lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
      });
    } else if (isLocale(req.cookies?.[LANG_COOKIE])) {
      lang = req.cookies[LANG_COOKIE] as Locale;
    }
    req.lang = lang;
    req.t = tFor(lang);
    res.locals.lang = lang;
    res.locals.t = req.t;
    res.locals.locales = LOCALES;
    next();
  };
}
