import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { EdsError } from '../../eds/index.js';
import { AppError } from '../../lib/errors.js';
import { requireAuth } from '../../web/auth-context.js';
import { sessionCookieName } from '../../web/session-cookie.js';
import { fullName } from '../../modules/people/names.js';
import { homeHref } from '../public/index.js';
import { id, signedFields } from '../../lib/schema-blocks.js';

const nextUrl = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .optional()
  .catch(undefined);

const { signRequestId, signedXml } = signedFields(256 * 1024);
const loginForm = z.object({ _csrf: z.string().optional(), signRequestId, signedXml });

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function authRoutes(services: WebServices, loginLimiter: RequestHandler): Router {
  const router = Router();

  async function renderLogin(req: Request, res: Response, error?: string) {
    const challenge = await services.auth.challengeFor(req.session.loginChallengeId);
    req.session.loginChallengeId = challenge.id;
    res.status(error ? 400 : 200).render('pages/auth/login.njk', {
      challenge,
      next: nextUrl.parse(req.query.next),
      error,
    });
  }

  router.get('/login', async (req, res) => {
    if (req.session.auth) return res.redirect(303, homeHref(req.session.auth));
    await renderLogin(req, res);
  });

  router.post('/login', loginLimiter, async (req, res, next) => {
    const form = loginForm.safeParse(req.body);
    if (!form.success) return renderLogin(req, res, req.t('errors:EDS_NO_SIGNATURE'));
    // a challenge is good only in the session that was given it
    if (form.data.signRequestId !== req.session.loginChallengeId) {
      const code = await services.auth.foreignChallengeCode(form.data.signRequestId);
      return renderLogin(req, res, req.t(`errors:${code}`));
    }
    try {
      const result = await services.auth.login(form.data.signRequestId, form.data.signedXml);
      const after = nextUrl.parse(req.query.next);
      await regenerate(req); // the session id rotates at login
      req.session.auth = result.auth;
      req.session.startedAt = Date.now();
      if (result.person.locale && !req.cookies?.lang)
        res.cookie('lang', result.person.locale, {
          httpOnly: true,
          sameSite: 'lax',
          secure: services.config.https,
        });
      if (!result.person.welcomed_at) return res.redirect(303, '/welcome');
      if (result.wards.length > 0) return res.redirect(303, '/act-for');
      res.redirect(303, after ?? homeHref(result.auth));
    } catch (err) {
      if (err instanceof EdsError || (err instanceof AppError && err.status < 500)) {
        req.log?.info({ code: (err as { code: string }).code }, 'login refused');
        const code = (err as { code: string }).code;
        return renderLogin(req, res, req.t(code.includes(':') ? code : `errors:${code}`));
      }
      next(err);
    }
  });

  router.get('/welcome', requireAuth, async (req, res) => {
    const auth = req.session.auth!;
    res.render('pages/auth/welcome.njk', {
      name: auth.name,
      elderly: await services.auth.isElderly(auth.personId),
    });
  });

  router.post('/welcome', requireAuth, async (req, res) => {
    const auth = req.session.auth!;
    await services.auth.markWelcomed(auth.personId);
    const wards = auth.roles.includes('guardian') ? await services.auth.wards(auth.personId) : [];
    res.redirect(303, wards.length > 0 ? '/act-for' : homeHref(auth));
  });

  router.get('/act-for', requireAuth, async (req, res) => {
    const auth = req.session.auth!;
    const wards = await services.auth.wards(auth.personId);
    res.render('pages/auth/act-for.njk', {
      self: { id: auth.personId, name: auth.name },
      wards: wards.map((w) => ({
        id: w.id,
        name: fullName(w),
        kind: w.guardianship_kind,
        decisionNumber: w.decision_number,
        decisionDate: w.decision_date,
        authority: w.authority,
      })),
      current: auth.principalId,
    });
  });

  router.post('/act-for', requireAuth, async (req, res) => {
    const parsed = z.object({ principalId: id() }).safeParse(req.body);
    const auth = req.session.auth!;
    if (!parsed.success) return res.redirect(303, '/act-for');
    req.session.auth = await services.auth.actFor(auth, parsed.data.principalId);
    res.redirect(303, homeHref(req.session.auth));
  });

  router.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(sessionCookieName(services.config.https), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: services.config.https,
      });
      res.redirect(303, '/');
    });
  });

  return router;
}
