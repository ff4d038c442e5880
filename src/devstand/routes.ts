import path from 'node:path';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { astanaDate } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import { filterText } from '../lib/schema-blocks.js';
import type { DevMailbox } from '../modules/dev-stand-port.js';
import type { DemoKeys } from './demo-people.js';
import { devGuardianships, endDevGuardianship, restoreDevGuardianship } from './integrations.js';

/** «End» or «restore» a demo guardianship in the dev guardianship registry. */
const guardianshipForm = z.strictObject({
  _csrf: z.string().optional(),
  guardian: z.string().regex(/^\d{12}$/),
  ward: z.string().regex(/^\d{12}$/),
  action: z.enum(['end', 'restore']),
});

/** The phone filter: text of a phone's length without control characters, else no filter. */
const phoneOf = (v: unknown): string => filterText(40).parse(v) ?? '';

/**
 * Dev-stand only pages: the SMS the dev gateway "sent", the demo key files (`keys`: while this start
 * makes them, a download waits), and the dev guardianship registry (a guardianship ended there is
 * refused by the portal at the guardian's next re-check). Absent in production.
 */
export function devRoutes(
  mailbox: DevMailbox,
  dataDir: string,
  db: Knex,
  keys: DemoKeys | null = null,
): Router {
  const router = Router();

  router.get('/dev/guardianships', async (_req, res) => {
    res.render('pages/dev/guardianships.njk', { rows: await devGuardianships(db) });
  });

  router.post('/dev/guardianships', async (req, res, next) => {
    const form = guardianshipForm.safeParse(req.body);
    if (!form.success) return next(new NotFoundError());
    const { guardian, ward, action } = form.data;
    const known = (await devGuardianships(db)).some((r) => r.guardianIin === guardian && r.wardIin === ward);
    if (!known) return next(new NotFoundError());
    if (action === 'end') await endDevGuardianship(db, guardian, ward, astanaDate(new Date()));
    else await restoreDevGuardianship(db, guardian, ward);
    res.redirect(303, '/dev/guardianships');
  });

  router.get('/dev/sms', async (req, res) => {
    const phone = phoneOf(req.query.phone);
    res.render('pages/dev/sms.njk', { messages: await mailbox.sms(phone), phone });
  });

  router.get('/dev/sms.json', async (req, res) => {
    res.json(await mailbox.sms(phoneOf(req.query.phone)));
  });

  router.get('/dev/keys/*path', async (req, res, next) => {
    const rel = ([] as string[]).concat((req.params as { path?: string | string[] }).path ?? []).join('/');
    const keysDir = path.join(dataDir, 'keys');
    const file = path.resolve(keysDir, rel);
    if (!file.startsWith(keysDir + path.sep) || !file.endsWith('.p12')) return next(new NotFoundError());
    // the start page links the files this start is still making: the download waits for them
    if (keys) {
      try {
        await keys.ready;
      } catch (e) {
        res
          .status(503)
          .type('text/plain')
          .send(`The dev stand could not make the demo keys: ${(e as Error).message} (see the log).`);
        return;
      }
    }
    res.download(file, path.basename(file), (err) => {
      if (err && !res.headersSent) next(new NotFoundError());
    });
  });

  return router;
}
