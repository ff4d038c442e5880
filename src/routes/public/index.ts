import { Router } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { LOW_VISION_COOKIE } from '../../web/session-cookie.js';
import type { DevStandWeb } from '../../web/dev-stand.js';
import type { SessionAuth } from '../../lib/actor.js';

/** Where a logged-in person starts, by role. */
export function homeHref(auth: SessionAuth | undefined | null): string {
  if (!auth) return '/';
  if (auth.roles.includes('recipient') || auth.roles.includes('guardian')) return '/cabinet';
  if (auth.roles.includes('specialist')) return '/specialist/orders';
  if (auth.roles.includes('employee')) return '/supplier';
  if (auth.roles.includes('admin') || auth.roles.includes('operator')) return '/admin';
  if (auth.roles.includes('local_executive')) return '/outreach';
  return '/';
}

const safeReturn = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .catch('/');

/** `devStand`: the dev stand's part of the web, outside production (the start page lists its demo people). */
export function publicRoutes(services: WebServices, devStand: DevStandWeb | null): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const demoPeople = devStand ? await devStand.demoPeople() : null;
    res.render('pages/public/index.njk', { demoPeople, homeHref: homeHref(req.session.auth) });
  });

  /** «Версия для слабовидящих»: a preference cookie, then back to the page it was switched on. */
  router.get('/settings/low-vision', (req, res) => {
    const on = req.query.on === '1';
    res.cookie(LOW_VISION_COOKIE, on ? '1' : '0', {
      maxAge: 365 * 24 * 3600 * 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: services.config.https,
    });
    res.redirect(303, safeReturn.parse(req.query.return));
  });

  /** Touching the session extends it (the cookie is rolling); the page's timeout warning calls this. */
  router.get('/session/extend', (req, res) => {
    if (!req.session.auth) return res.status(401).json({ ok: false });
    req.session.touch();
    res.json({ ok: true, minutes: services.config.SESSION_IDLE_MINUTES });
  });

  router.get('/accessibility', (_req, res) => {
    res.render('pages/public/accessibility.njk');
  });

  return router;
}
