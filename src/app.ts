import path from 'node:path';
import crypto from 'node:crypto';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import cookieParser from 'cookie-parser';
import { rateLimit } from 'express-rate-limit';
import pg from 'pg';
import { ROOT_DIR } from './config.js';
import type { Services } from './modules/index.js';
import { setUpNunjucks } from './web/nunjucks.js';
import { languageMiddleware } from './web/i18n.js';
import { setUpFilterNotice } from './web/filters.js';
import { setUpCsrf, setUpSecurityHeaders, withoutCsrfToken } from './web/security.js';
import { errorHandler, notFoundHandler } from './web/errors.js';
import { requestLog } from './web/request-log.js';
import { LOW_VISION_COOKIE, sessionCookieName, sessionVersionCookieName } from './web/session-cookie.js';
import { SessionCache } from './web/session-cache.js';
import { sessionContent, sessionMiddleware } from './web/session-store.js';
import { AppError } from './lib/errors.js';
import { UnauthenticatedError } from './web/auth-context.js';
import { flash, takeFlash } from './web/flash.js';
import { maskIin } from './lib/iin.js';
import { routes } from './routes/index.js';
import { refuseDeclaredOver } from './web/uploads.js';
import type { DevStandWeb } from './web/dev-stand.js';

/** The largest form and JSON bodies a route reads (uploads have their own limits, per route). */
const FORM_BYTES = 256 * 1024;
const JSON_BYTES = 2 * 1024 * 1024;

/**
 * IINs in a path are masked; in a query every run of 6+ digits is (a partial IIN, a phone), and a CSRF
 * token (upload forms carry it in their action URL) is left out.
 */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/\b\d{12}\b/g, (m) => maskIin(m));
  if (q < 0) return path;
  return (
    path +
    url
      .slice(q)
      .replace(/([?&]_csrf=)[^&]*/g, '$1…')
      .replace(/\d{6,}/g, (m) => `${m.slice(0, 2)}${'*'.repeat(m.length - 2)}`)
  );
}

function setUpLogging(app: Express, services: Services): void {
  requestLog(app, services.logger, {
    maskUrl,
    personOf: (req) => req.session?.auth?.personId,
  });
}

function setUpStatic(app: Express): void {
  const long = { maxAge: '7d', immutable: false, index: false };
  app.use('/assets/build', express.static(path.join(ROOT_DIR, 'public', 'build'), long));
  app.use('/assets/js', express.static(path.join(ROOT_DIR, 'public', 'js'), long));
  app.use('/assets/images', express.static(path.join(ROOT_DIR, 'public', 'images'), long));
  app.use('/assets/media', express.static(path.join(ROOT_DIR, 'public', 'media'), long));
  app.use(
    '/assets/govuk',
    express.static(path.join(ROOT_DIR, 'node_modules', 'govuk-frontend', 'dist', 'govuk'), long),
  );
  app.get('/assets/vendor/forge.min.js', (_req, res) =>
    res.sendFile(path.join(ROOT_DIR, 'node_modules', 'node-forge', 'dist', 'forge.min.js'), { maxAge: '7d' }),
  );
  app.get('/favicon.ico', (_req, res) =>
    res.sendFile(path.join(ROOT_DIR, 'public', 'images', 'favicon.svg')),
  );
}

function setUpSessions(app: Express, services: Services): void {
  const { config } = services;
  const pool = new pg.Pool({ connectionString: dbUrl(services), max: 4 });
  // an idle connection dropped by the server (restart, shutdown) is logged, never a crash
  pool.on('error', (err) => services.logger.warn({ err }, 'session store connection lost'));
  const cache = new SessionCache(
    dbUrl(services),
    config.SESSION_SECRET,
    services.logger,
    config.SESSION_CACHE_SECONDS * 1000,
  );
  void cache.start();
  const unsubscribe = services.auth.onSessionsEnded((sids) => cache.forget(sids));
  app.use(
    sessionMiddleware({
      pool,
      cache,
      cookieName: sessionCookieName(config.https),
      versionCookieName: sessionVersionCookieName(config.https),
      secret: config.SESSION_SECRET,
      secure: config.https,
      idleMinutes: config.SESSION_IDLE_MINUTES,
    }),
  );
  // what the entry points and tests end when they stop: the store's pool and the cache's listener
  app.locals.sessionPool = {
    end: async () => {
      unsubscribe();
      await cache.stop();
      await pool.end();
    },
  };
  app.locals.sessionCache = cache;
}

function dbUrl(services: Services): string {
  const c = services.db.client.config as { connection: { connectionString: string } };
  return c.connection.connectionString;
}

/**
 * Checked on every request of a logged-in person: the session ends SESSION_ABSOLUTE_HOURS after the
 * login however active it is (the idle timeout is the cookie's and the store's); a guardian whose
 * guardianship of the ward has ended in the guardianship registry (asked again once its last answer
 * is older than GUARDIANSHIP_CHECK_TTL_SECONDS) acts for themselves again from this request on (told
 * so by a banner), so every page of the ward's records answers 404, as for a stranger; so does one
 * whose re-check the registry could not answer.
 */
function setUpSessionChecks(app: Express, services: Services): void {
  const lifetimeMs = services.config.SESSION_ABSOLUTE_HOURS * 3_600_000;
  app.use((req: Request, res: Response, next: NextFunction) => {
    const auth = req.session?.auth;
    if (!auth) return next();
    // real time, as the idle timeout of the cookie and the store (the business clock may be moved)
    if (Date.now() - (req.session.startedAt ?? Date.parse(auth.loginAt)) >= lifetimeMs) {
      req.session.destroy((err) => {
        if (err) return next(err);
        res.clearCookie('portal.sid');
        next(new UnauthenticatedError());
      });
      return;
    }
    if (auth.principalId === auth.personId) return next();
    // the guardianship registry did not answer: acting for the ward is refused until it does (the
    // person keeps the session for themselves and may choose the ward again later)
    services.auth.stillActsFor(auth).then((check) => {
      if (check !== 'in_force') {
        req.session.auth = { ...auth, principalId: auth.personId, principalName: auth.name };
        const key = check === 'ended' ? 'auth:guardianship_ended' : 'auth:guardianship_unchecked';
        flash(req, key, { name: auth.principalName }, 'info');
      }
      next();
    }, next);
  });
}

/**
 * An employee acts for an organisation only while the grant and the organisation allow it, checked on
 * every request with one query (docs/participants.md): a removed or suspended grant, or an excluded
 * organisation, ends the session and answers 403 with the reason; a suspended organisation's
 * employees go on with a banner naming the reason. The organisation's directions and whether the
 * employee administers its staff are refreshed into the session. A specialist the administrator
 * suspended or excluded sees the reason on every page.
 */
function setUpEmployeeChecks(app: Express, services: Services): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const auth = req.session?.auth;
    if (auth?.roles.includes('specialist')) {
      // a specialist suspended or excluded by the administrator reads why on every page
      services.specialistServices.registry.standingNotices(auth.personId).then((notices) => {
        res.locals.specialistStanding = notices;
        next();
      }, next);
      return;
    }
    if (!auth?.organisationId) return next();
    services.participants.staff.access(auth.personId, auth.organisationId).then((a) => {
      if (!a.ok) {
        req.session.destroy((err) => {
          if (err) return next(err);
          res.clearCookie(sessionCookieName(services.config.https), {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: services.config.https,
          });
          next(new AppError(`staff:refused.${a.why}`, 403, { reason: a.reason ?? '' }));
        });
        return;
      }
      if (auth.orgAdmin !== a.orgAdmin || (auth.directions ?? []).join() !== a.directions.join())
        req.session.auth = { ...auth, directions: a.directions, orgAdmin: a.orgAdmin };
      res.locals.organisationStanding = a.orgStatus === 'suspended' ? { reason: a.reason ?? '' } : null;
      next();
    }, next);
  });
}

/** What every page needs: who is logged in, the low-vision switch, the flash messages, the current path. */
function setUpLocals(app: Express, services: Services, devStand: DevStandWeb | null): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.auth = req.session?.auth ?? null;
    // a logged-in person's pages hold personal data: never kept by a browser or a proxy (the back
    // button after logout on a shared computer shows nothing), so no ETag is worth computing for them
    if (req.session?.auth) res.setHeader('Cache-Control', 'private, no-store');
    res.locals.lowVision = req.cookies?.[LOW_VISION_COOKIE] === '1';
    res.locals.currentPath = req.path;
    res.locals.currentUrl = withoutCsrfToken(req.originalUrl);
    res.locals.devStand = devStand !== null;
    res.locals.sessionMinutes = services.config.SESSION_IDLE_MINUTES;
    // a redirect waits for the session to be saved, so the next page sees what this one stored
    // (a login, a flash message) even when the browser follows the redirect at once; a session this
    // request did not change is not written again (express-session only renews its expiry)
    const loaded = req.session
      ? { id: req.session.id, content: req.sessionLoadedContent ?? sessionContent(req.session) }
      : null;
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session) return redirect(...args);
      if (loaded && loaded.id === req.session.id && loaded.content === sessionContent(req.session))
        return redirect(...args);
      req.session.save((err) => {
        if (err) return next(err);
        redirect(...args);
      });
    }) as typeof res.redirect;
    const messages = takeFlash(req, res);
    if (messages.length) res.locals.flash = messages;
    next();
  });
}

/** The certificate text of a posted signature, found without parsing (a key for the login limit). */
function postedCertificate(req: Request): string | undefined {
  const xml = (req.body as { signedXml?: unknown } | undefined)?.signedXml;
  if (typeof xml !== 'string') return undefined;
  const m = /<(?:[A-Za-z_][\w.-]*:)?X509Certificate>([A-Za-z0-9+/=\s&#;]{64,16000})</.exec(xml);
  return m
    ? crypto
        .createHash('sha256')
        .update(m[1]!.replace(/\s|&#13;/g, ''))
        .digest('hex')
    : undefined;
}

/**
 * Rate limits counted in PostgreSQL (shared by every instance). Logins count failures only: per
 * client address, with a budget an office behind one address does not reach in a day, and per
 * certificate; a login that succeeds (or that the registries could not answer) gives its count back.
 * Signed posts («Проверка ЭЦП» and every signed step) count per person. Returns the login limiter.
 */
function setUpRateLimits(app: Express, services: Services): RequestHandler {
  const { config } = services;
  const common = { standardHeaders: 'draft-8', legacyHeaders: false } as const;
  const failuresOnly = {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req: Request, res: Response) => res.statusCode < 400 || res.statusCode >= 500,
  };
  const tooManyLogins = (_req: Request, _res: Response, next: NextFunction) =>
    next(new AppError('too_many_login_attempts', 429));
  const perAddress = rateLimit({
    ...common,
    ...failuresOnly,
    windowMs: 15 * 60_000,
    limit: config.LOGIN_RATE_LIMIT,
    store: services.rateLimitStore('login:'),
    handler: tooManyLogins,
  });
  const perCertificate = rateLimit({
    ...common,
    ...failuresOnly,
    windowMs: 15 * 60_000,
    limit: config.LOGIN_CERT_RATE_LIMIT,
    store: services.rateLimitStore('login-cert:'),
    skip: (req) => postedCertificate(req) === undefined,
    keyGenerator: (req) => postedCertificate(req) as string,
    handler: tooManyLogins,
  });
  app.use(
    rateLimit({
      ...common,
      windowMs: 10 * 60_000,
      limit: config.SIGNED_RATE_LIMIT,
      store: services.rateLimitStore('signed:'),
      skip: (req) =>
        req.method !== 'POST' ||
        !req.session?.auth ||
        typeof (req.body as { signedXml?: unknown } | undefined)?.signedXml !== 'string',
      keyGenerator: (req) => `person:${req.session.auth!.personId}`,
      handler: (_req, _res, next) => next(new AppError('too_many_signatures', 429)),
    }),
  );
  return (req, res, next) =>
    perAddress(req, res, (err?: unknown) => (err ? next(err) : perCertificate(req, res, next)));
}

/**
 * The app over the services. `devStand`: the dev stand's pages and start-page list, which the entry
 * points install outside production only (src/devstand; see src/dev-stand-loader.ts).
 */
export function createApp(services: Services, devStand: DevStandWeb | null = null): Express {
  const app = express();
  const { config } = services;
  app.disable('x-powered-by');
  // pages are rendered per person and per session (CSRF tokens); static assets keep their own ETags
  app.set('etag', false);
  if (config.TRUST_PROXY) app.set('trust proxy', config.TRUST_PROXY === 'true' ? true : config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.locals.services = services;

  setUpLogging(app, services);
  setUpSecurityHeaders(app, config.https);
  setUpStatic(app);
  setUpNunjucks(app, { development: config.NODE_ENV === 'development' });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await services.health.ready();
    res.status(r.ok ? 200 : 503).json(r);
  });
  // signed cookies: the flash messages (src/web/flash.ts)
  app.use(cookieParser(config.SESSION_SECRET));
  app.locals.secureCookies = config.https;
  app.use(languageMiddleware(config.https));
  app.use(
    refuseDeclaredOver([
      { type: 'application/x-www-form-urlencoded', bytes: FORM_BYTES },
      { type: 'application/json', bytes: JSON_BYTES },
    ]),
  );
  app.use(express.urlencoded({ extended: false, limit: FORM_BYTES, parameterLimit: 200 }));
  app.use(express.json({ limit: JSON_BYTES }));
  setUpSessions(app, services);
  setUpSessionChecks(app, services);
  setUpEmployeeChecks(app, services);
  setUpLocals(app, services, devStand);
  app.use(setUpFilterNotice);
  setUpCsrf(app, { secret: config.SESSION_SECRET, exemptPaths: [/^\/api\//] });

  const loginLimiter = setUpRateLimits(app, services);
  app.use(routes(services, { loginLimiter, devStand }));

  app.use(notFoundHandler);
  app.use(errorHandler(services.logger));
  return app;
}
