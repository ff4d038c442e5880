/**
 * The session cookie's name. Served over HTTPS only (production) it carries the `__Host-` prefix: the browser then accepts it
 * only when it is Secure, has Path=/ and no Domain, so no sibling host or plain-HTTP page can set or
 * overwrite it (session fixation through a subdomain).
 */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-portal.sid' : 'portal.sid';
}

/**
 * The cookie beside the session cookie that carries the version of the session's content the browser
 * last saw (src/web/session-store.ts); the same prefix rules as the session cookie's.
 */
export function sessionVersionCookieName(https: boolean): string {
  return https ? '__Host-portal.sv' : 'portal.sv';
}

/** The low-vision view switch remembered for a visitor ('1' on). */
export const LOW_VISION_COOKIE = 'lv';
