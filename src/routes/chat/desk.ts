import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import { parseId } from '../../lib/schema-blocks.js';
import { deskQuery, INVALID, messageForm, toRequestForm } from '../../modules/chat/schemas.js';
import { MAX_MESSAGE_CHARS } from '../../modules/chat/rules.js';
import { conversationView, messageView } from './views.js';
import { lastEventId, sendMessages } from './stream.js';

/**
 * The contact centre's chat console under the operators' desk (/admin/support/chat): the waiting
 * conversations, the answer form, closing, and turning a conversation into a technical-failure
 * request; the messages of every conversation arrive live at /admin/support/chat/events.
 */
export function chatDeskRoutes(services: WebServices): Router {
  const router = Router();
  const chat = services.chat.conversations;
  router.use(requireRole('operator', 'admin'));

  router.get('/', async (req, res) => {
    const q = parseFilters(deskQuery, req);
    const show = q.show === 'all' ? 'all' : 'open';
    const rows = await chat.desk(show);
    res.render('pages/chat/desk.njk', { rows: rows.map(conversationView), show });
  });

  /** Every conversation's messages live (or `?conversation=` one's), for the console's pages. */
  router.get('/events', async (req, res) => {
    const only = parseId(req.query.conversation);
    const t = req.t;
    // a new stream without Last-Event-ID starts from now (the page shows what came before)
    const after = lastEventId(req) || (req.query.after === '0' || only ? 0 : await chat.lastMessageId());
    await sendMessages(req, res, chat, {
      after,
      load: (a) => (only ? chat.messagesOf(only, a) : chat.allMessagesAfter(a)),
      matches: (n) => !only || n.conversationId === only,
      view: (m) => ({ ...messageView(m, t, 'desk'), conversation: Number(m.conversation_id) }),
    });
  });

  const renderDetail = async (
    req: Request,
    res: Response,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) => {
    const d = await chat.showForOperator(idParam(req));
    res.render('pages/chat/desk-detail.njk', {
      conversation: conversationView(d.conversation),
      personName: d.personName,
      open: d.open,
      messages: d.messages.map((m) => messageView(m, req.t, 'desk')),
      maxChars: MAX_MESSAGE_CHARS,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  router.get('/:id', async (req, res) => renderDetail(req, res));

  router.post('/:id/messages', async (req, res) => {
    const id = idParam(req);
    const form = parseForm(messageForm, req.body, INVALID);
    if (!form.ok) {
      if (req.get('x-chat') === '1')
        return res.status(400).json({ ok: false, message: req.t(Object.values(form.errors)[0] ?? INVALID) });
      res.status(400);
      return renderDetail(req, res, { errors: form.errors, values: req.body as Record<string, unknown> });
    }
    await chat.answer(actorOf(req), id, form.data.message);
    if (req.get('x-chat') === '1') return res.json({ ok: true });
    res.redirect(303, `/admin/support/chat/${id}#chat-message`);
  });

  router.post('/:id/close', async (req, res) => {
    const id = idParam(req);
    await chat.closeConversation(actorOf(req), id);
    flash(req, 'chat:flash.closed');
    res.redirect(303, `/admin/support/chat/${id}`);
  });

  router.post('/:id/request', async (req, res) => {
    const id = idParam(req);
    const form = parseForm(toRequestForm, req.body, INVALID);
    if (!form.ok) {
      res.status(400);
      return renderDetail(req, res, { errors: form.errors, values: req.body as Record<string, unknown> });
    }
    try {
      const r = await chat.toRequest(actorOf(req), id, {
        description: form.data.description,
        ...(form.data.contact ? { contact: form.data.contact } : {}),
      });
      flash(req, 'chat:flash.requestFiled', { number: r.number });
      res.redirect(303, `/admin/support/${r.id}`);
    } catch (err) {
      if (err instanceof AppError && err.status === 400 && err.code.startsWith('chat:errors.')) {
        res.status(400);
        return renderDetail(req, res, {
          errors: { contact: err.code },
          values: req.body as Record<string, unknown>,
        });
      }
      throw err;
    }
  });

  return router;
}
