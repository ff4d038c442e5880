import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { parseForm } from '../../web/forms.js';
import { handOffForm, INVALID, messageForm } from '../../modules/chat/schemas.js';
import { MAX_MESSAGE_CHARS, MESSAGES_PER_MINUTE } from '../../modules/chat/rules.js';
import type { Visitor } from '../../modules/chat/chat-service.js';
import { conversationView, messageView } from './views.js';
import { lastEventId, sendMessages } from './stream.js';

/** The visitor of the chat: the conversation of this browser session, the person if logged in. */
function visitorOf(req: Request): Visitor {
  return {
    conversationId: req.session.chatConversationId ?? null,
    personId: req.session.auth?.personId ?? null,
    locale: req.lang,
  };
}

/** A request the page's script sends (it wants JSON, never a redirect). */
const fromScript = (req: Request) => req.get('x-chat') === '1';

/**
 * The chat on every page (rules, item 16), for everybody: /chat is a plain page with the messages and
 * a form (the whole chat works without JavaScript); the script opens the same block as a dialog over
 * any page and receives the messages live from /chat/events.
 */
export function chatRoutes(services: WebServices): Router {
  const router = Router();
  const chat = services.chat.conversations;

  const tooMany = (_req: Request, _res: Response, next: (err: unknown) => void) =>
    next(new AppError('chat:errors.tooMany', 429));
  const common = { windowMs: 60_000, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  const perAddress = rateLimit({
    ...common,
    limit: MESSAGES_PER_MINUTE * 3,
    store: services.rateLimitStore('chat-address:'),
    handler: tooMany,
  });
  const perSession = rateLimit({
    ...common,
    limit: MESSAGES_PER_MINUTE,
    store: services.rateLimitStore('chat-session:'),
    keyGenerator: (req) => `session:${req.sessionID}`,
    handler: tooMany,
  });

  const render = async (
    req: Request,
    res: Response,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) => {
    const v = await chat.view(visitorOf(req));
    const panel = req.query.panel === '1';
    res.render(panel ? 'pages/chat/panel.njk' : 'pages/chat/page.njk', {
      conversation: v.conversation ? conversationView(v.conversation) : null,
      messages: v.messages.map((m) => messageView(m, req.t, 'visitor')),
      workingNow: v.workingNow,
      maxChars: MAX_MESSAGE_CHARS,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  router.get('/chat', async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    await render(req, res);
  });

  const refuse = async (req: Request, res: Response, errors: Record<string, string>, status = 400) => {
    res.status(status);
    if (fromScript(req)) {
      const [, key] = Object.entries(errors)[0] ?? ['', INVALID];
      return res.json({ ok: false, errors, message: req.t(key ?? INVALID) });
    }
    return render(req, res, { errors, values: req.body as Record<string, unknown> });
  };

  router.post('/chat', perAddress, perSession, async (req, res) => {
    const form = parseForm(messageForm, req.body, INVALID);
    if (!form.ok) return refuse(req, res, form.errors);
    const c = await chat.post(visitorOf(req), form.data.message);
    req.session.chatConversationId = Number(c.id);
    if (fromScript(req)) return res.json({ ok: true, conversation: Number(c.id) });
    res.redirect(303, '/chat#chat-message');
  });

  router.post('/chat/operator', perAddress, perSession, async (req, res) => {
    const form = parseForm(handOffForm, req.body, INVALID);
    if (!form.ok) return refuse(req, res, form.errors);
    try {
      const c = await chat.handOff(visitorOf(req), {
        ...(form.data.contact_name ? { contactName: form.data.contact_name } : {}),
        ...(form.data.contact ? { contact: form.data.contact } : {}),
      });
      if (fromScript(req)) return res.json({ ok: true, conversation: Number(c.id), status: c.status });
      res.redirect(303, '/chat#chat-log');
    } catch (err) {
      if (err instanceof AppError && err.status === 400 && err.code.startsWith('chat:errors.'))
        return refuse(req, res, {
          [err.code === 'chat:errors.contactNeeded' ? 'contact' : 'message']: err.code,
        });
      throw err;
    }
  });

  /** The visitor's messages live (Server-Sent Events), or once as JSON to a client that polls. */
  router.get('/chat/events', async (req, res) => {
    const c = await chat.own(visitorOf(req));
    if (!c) {
      // nothing to follow yet: an event source stops asking (204), a poll gets an empty list
      if ((req.get('accept') ?? '').includes('text/event-stream')) return res.status(204).end();
      return res.json({ messages: [] });
    }
    const id = Number(c.id);
    const t = req.t;
    await sendMessages(req, res, chat, {
      after: lastEventId(req),
      load: (after) => chat.messagesOf(id, after),
      matches: (n) => n.conversationId === id,
      view: (m) => messageView(m, t, 'visitor'),
    });
  });

  return router;
}
