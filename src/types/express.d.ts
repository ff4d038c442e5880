import type { TFunction } from 'i18next';
import type { Locale } from '../web/i18n.js';
import type { SessionAuth } from '../web/auth-context.js';

declare global {
  namespace Express {
    interface Request {
      lang: Locale;
      t: TFunction;
      auth?: SessionAuth;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    auth?: SessionAuth;
    /** the session has rendered a form (its CSRF token is derived from the session id) */
    csrf?: true;
    flash?: { kind: 'success' | 'info'; key: string; params?: Record<string, string | number> }[];
  }
}

export {};
