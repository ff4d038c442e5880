import pg from 'pg';
import type { Logger } from '../../logger.js';
import { CHAT_CHANNEL } from './rules.js';

export interface ChatNotice {
  conversationId: number;
  messageId: number;
}

type Listener = (n: ChatNotice) => void;

/**
 * The chat's messages across instances: one dedicated PostgreSQL connection per instance LISTENs on
 * the chat channel (every message is NOTIFYed in the transaction that inserts it, so a notice means
 * the message is committed and readable). The connection opens with the first listener and reconnects
 * after a loss; listeners are told `onGap` then, so a stream re-reads what it may have missed.
 */
export class ChatBus {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly listeners = new Set<{ fn: Listener; onGap: () => void; onClose: () => void }>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (if not yet) and calls `fn` for every committed message; returns the unsubscribe. */
  async subscribe(
    fn: Listener,
    opts: { onGap?: () => void; onClose?: () => void } = {},
  ): Promise<() => void> {
    if (this.closed) throw new Error('the chat bus is closed');
    const entry = { fn, onGap: opts.onGap ?? (() => undefined), onClose: opts.onClose ?? (() => undefined) };
    this.listeners.add(entry);
    await this.connect();
    return () => {
      this.listeners.delete(entry);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('error', (err) => {
        this.logger.warn({ err }, 'chat listener connection lost');
        this.lost(client);
      });
      client.on('end', () => this.lost(client));
      client.on('notification', (msg) => {
        if (msg.channel !== CHAT_CHANNEL || !msg.payload) return;
        let n: ChatNotice;
        try {
          const p = JSON.parse(msg.payload) as { c: unknown; m: unknown };
          n = { conversationId: Number(p.c), messageId: Number(p.m) };
        } catch {
          return;
        }
        if (!Number.isSafeInteger(n.conversationId) || !Number.isSafeInteger(n.messageId)) return;
        for (const l of [...this.listeners]) l.fn(n);
      });
      try {
        await client.connect();
        await client.query(`listen ${CHAT_CHANNEL}`);
        if (this.closed) {
          await client.end().catch(() => undefined);
          return;
        }
        this.client = client;
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.scheduleRetry();
  }

  /** Listens again after a moment; what came meanwhile is read again by each stream. */
  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed || this.listeners.size === 0) return;
      this.connect().then(
        () => {
          for (const l of [...this.listeners]) l.onGap();
        },
        (err: unknown) => {
          this.logger.warn({ err }, 'chat listener could not reconnect');
          this.scheduleRetry();
        },
      );
    }, 1000);
    this.retry.unref();
  }

  /** Stops listening and ends every stream (the instance is shutting down). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    for (const l of [...this.listeners]) l.onClose();
    this.listeners.clear();
    if (this.connecting) await this.connecting.catch(() => undefined);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
