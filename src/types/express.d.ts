import type { TFunction } from 'i18next';
import type { Locale } from '../lib/i18n.js';
import type { SessionAuth } from '../lib/actor.js';

declare global {
  namespace Express {
    interface Request {
      lang: Locale;
      t: TFunction;
      auth?: SessionAuth;
      /** a GET filter value was left out because the page could not take it (see web/filters.ts) */
      filtersIgnored?: boolean;
      /** the session's content as it was read (from memory or the database), its cookie left out */
      sessionLoadedContent?: string;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    auth?: SessionAuth;
    /** the session has rendered a form (its CSRF token is derived from the session id) */
    csrf?: true;
    /** when the login that started this session happened (ms since the epoch, the server's own clock) */
    startedAt?: number;
    /** the login challenge this session was given (a challenge is good only in its own session) */
    loginChallengeId?: string;
    /** the supplier registration's identification challenge (src/routes/participants) */
    registrationChallengeId?: string;
    /** who is registering a supplier: identified by a signed challenge, not logged in */
    registrant?: { personId: number; kind: 'legal' | 'entrepreneur'; bin: string };
    /** the chat conversation of this browser session (anonymous or not) */
    chatConversationId?: number;
  }
}

export {};
