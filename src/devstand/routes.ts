import path from 'node:path';
import { Router } from 'express';
import { NotFoundError } from '../lib/errors.js';
import { filterText } from '../lib/schema-blocks.js';
import type { DevMailbox } from '../modules/dev-stand-port.js';

/** The phone filter: text of a phone's length without control characters, else no filter. */
const phoneOf = (v: unknown): string => filterText(40).parse(v) ?? '';

/** Dev-stand only pages: the SMS the dev gateway "sent", and the demo key files. Absent in production. */
export function devRoutes(mailbox: DevMailbox, dataDir: string): Router {
  const router = Router();

  router.get('/dev/sms', async (req, res) => {
    const phone = phoneOf(req.query.phone);
    res.render('pages/dev/sms.njk', { messages: await mailbox.sms(phone), phone });
  });

  router.get('/dev/sms.json', async (req, res) => {
    res.json(await mailbox.sms(phoneOf(req.query.phone)));
  });

  router.get('/dev/keys/*path', (req, res, next) => {
    const rel = ([] as string[]).concat((req.params as { path?: string | string[] }).path ?? []).join('/');
    const keysDir = path.join(dataDir, 'keys');
    const file = path.resolve(keysDir, rel);
    if (!file.startsWith(keysDir + path.sep) || !file.endsWith('.p12')) return next(new NotFoundError());
    res.download(file, path.basename(file), (err) => {
      if (err && !res.headersSent) next(new NotFoundError());
    });
  });

  return router;
}
