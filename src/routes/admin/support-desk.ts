import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { supportActionForm, supportQueueQuery, INVALID } from '../../modules/admin/schemas.js';
import { deadlineTone, SUPPORT_ACTIONS, type SupportAction } from '../../modules/admin/support-rules.js';
import { parseAstanaLocal, toAstanaLocalInput } from '../../modules/admin/datetime.js';
import { idParam, parseForm } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import {
  attachmentView,
  queueRowView,
  requesterView,
  supportEventView,
  supportRequestView,
} from './support-view.js';

/** The contact centre's desk (operators and administrators): the queue and the steps of rule 15. */
export function supportDeskRoutes(services: WebServices): Router {
  const router = Router();
  const { support } = services.admin;

  router.get('/', async (req, res) => {
    const query = parseFilters(supportQueueQuery, req);
    const show = query.show ?? 'open';
    const rows = await support.queue({ show, ...(query.number ? { number: query.number } : {}) });
    res.render('pages/admin/support-queue.njk', {
      rows: rows.map(queueRowView),
      show,
      number: query.number ?? '',
    });
  });

  const renderDetail = async (
    req: Request,
    res: Response,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown>; failedAction?: string } = {},
  ) => {
    const view = await support.showForOperator(actorOf(req), idParam(req));
    res.render('pages/admin/support-detail.njk', {
      request: supportRequestView(view.request),
      person: requesterView(view.person),
      events: view.events.map(supportEventView),
      attachments: view.attachments.map(attachmentView),
      actions: view.actions,
      deadlines: view.deadlines.map((d) => ({ ...d, tone: deadlineTone(d.state) })),
      overdue: view.overdue,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
      failedAction: extra.failedAction ?? '',
      minFixAt: toAstanaLocalInput(services.clock.now()),
    });
  };

  router.get('/:id', async (req, res) => renderDetail(req, res));

  router.post('/:id/:action', async (req, res) => {
    const action = req.params.action as SupportAction;
    if (!(SUPPORT_ACTIONS as readonly string[]).includes(action)) throw new AppError('not_found', 404);
    const id = idParam(req);
    const form = parseForm(supportActionForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      const errors = Object.fromEntries(Object.entries(form.errors).map(([k, v]) => [`${action}-${k}`, v]));
      return renderDetail(req, res, {
        errors,
        values: req.body as Record<string, unknown>,
        failedAction: action,
      });
    }
    try {
      const fixExpectedAt = parseAstanaLocal(form.data.fix_expected_at);
      await support.act(actorOf(req), id, action, {
        version: form.data.version,
        comment: form.data.comment,
        fixExpectedAt,
      });
    } catch (err) {
      if (err instanceof AppError && err.status === 400 && err.code.startsWith('support:errors.')) {
        const field = err.code.includes('fixExpected') ? 'fix_expected_at' : 'comment';
        res.status(400);
        return renderDetail(req, res, {
          errors: { [`${action}-${field}`]: err.code },
          values: req.body as Record<string, unknown>,
          failedAction: action,
        });
      }
      throw err;
    }
    flash(req, `support:flash.${action}`);
    res.redirect(303, `/admin/support/${id}`);
  });

  return router;
}
