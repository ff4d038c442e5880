import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { emptyForm, exchangeQuery } from '../../modules/admin/schemas.js';
import { OUTBOX_STATES, OUTBOX_SYSTEMS } from '../../modules/admin/exchange-service.js';
import { MAX_ATTEMPTS } from '../../modules/outbox/outbox.js';
import { idParam, parseForm } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import { devInboxView, outboxView } from './view-models.js';

/** The exchange monitor: outbox messages, retries, and what the dev stand's adapters received. */
export function exchangeRoutes(services: WebServices): Router {
  const router = Router();
  const { exchange } = services.admin;

  router.get('/exchange', async (req, res) => {
    const q = parseFilters(exchangeQuery, req);
    const page = q.page ?? 1;
    const [messages, inbox] = await Promise.all([
      exchange.messages({
        ...(q.state ? { state: q.state } : {}),
        ...(q.system ? { system: q.system } : {}),
        page,
      }),
      exchange.devInbox(),
    ]);
    res.render('pages/admin/exchange.njk', {
      ...messages,
      rows: messages.rows.map(outboxView),
      inbox: devInboxView(inbox),
      state: q.state ?? '',
      system: q.system ?? '',
      page,
      states: OUTBOX_STATES,
      systems: OUTBOX_SYSTEMS,
      maxAttempts: MAX_ATTEMPTS,
    });
  });

  router.post('/exchange/:id/retry', async (req, res) => {
    parseForm(emptyForm, req.body);
    await exchange.retry(actorOf(req), idParam(req));
    flash(req, 'admin:flash.retried', { id: idParam(req) });
    res.redirect(303, '/admin/exchange');
  });

  return router;
}
