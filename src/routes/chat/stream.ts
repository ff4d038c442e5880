import type { Request, Response } from 'express';
import type { ChatNotice } from '../../modules/chat/chat-bus.js';
import type { ChatService, MessageRow } from '../../modules/chat/chat-service.js';
import { parseId } from '../../lib/schema-blocks.js';

/** How often an idle stream sends a comment, so proxies keep it open. */
const HEARTBEAT_MS = 25_000;

/** The id after which to send: the browser's Last-Event-ID on reconnect, else `?after=`, else none. */
export function lastEventId(req: Request): number {
  const header = req.get('last-event-id');
  return parseId(header) ?? parseId(req.query.after) ?? 0;
}

export function wantsEventStream(req: Request): boolean {
  return (req.get('accept') ?? '').includes('text/event-stream');
}

/**
 * Messages as Server-Sent Events: first the ones after Last-Event-ID, then each new one the chat
 * channel announces (from any instance) that `matches`; every event carries its message id, so a
 * reconnecting browser gets exactly what it missed. A client that does not ask for an event stream
 * gets the same messages once as JSON (polling).
 */
export async function sendMessages(
  req: Request,
  res: Response,
  chat: ChatService,
  opts: {
    after: number;
    load: (after: number) => Promise<MessageRow[]>;
    matches: (n: ChatNotice) => boolean;
    view: (m: MessageRow) => unknown;
  },
): Promise<void> {
  if (!wantsEventStream(req)) {
    const rows = await opts.load(opts.after);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ messages: rows.map(opts.view) });
    return;
  }
  let last = opts.after;
  let busy = false;
  let again = false;
  let ended = false;
  const pump = async (): Promise<void> => {
    if (ended) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const rows = await opts.load(last);
        for (const m of rows) {
          if (ended) return;
          res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(opts.view(m))}\n\n`);
          last = Number(m.id);
        }
      } while (again && !ended);
    } catch (err) {
      req.log?.warn({ err }, 'chat stream could not read messages');
    } finally {
      busy = false;
    }
  };
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    res.end();
  };
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  res.write('retry: 3000\n\n');
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let unsubscribe: (() => void) | undefined;
  req.on('close', end);
  try {
    unsubscribe = await chat.bus.subscribe(
      (n) => {
        if (n.messageId > last && opts.matches(n)) void pump();
      },
      { onGap: () => void pump(), onClose: end },
    );
  } catch (err) {
    req.log?.warn({ err }, 'chat stream could not listen');
    end();
    return;
  }
  if (ended) unsubscribe();
  // what was committed before the listener started
  await pump();
}
