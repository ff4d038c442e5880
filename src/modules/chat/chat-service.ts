import type { Knex } from 'knex';
import { inTransaction } from '../../db/knex.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors.js';
import type { Locale } from '../../lib/i18n.js';
import { audit, auditAction } from '../audit/audit.js';
import { formatAstana } from '../admin/datetime.js';
import type { SiteService } from '../admin/site-service.js';
import type { SupportService } from '../admin/support-service.js';
import { isWorkingTime, workingStart } from '../admin/working-time.js';
import type { ChatBus } from './chat-bus.js';
import type { BotLink, ChatRepository, ConversationRow, DeskRow, MessageRow } from './chat-repository.js';
import { BOT_LINKS, excerpt, isOpenForDesk } from './rules.js';

export type { BotLink, ConversationRow, DeskRow, MessageRow } from './chat-repository.js';

/** Who is chatting: the conversation of the browser session (if any), the person if logged in. */
export interface Visitor {
  conversationId: number | null;
  personId: number | null;
  locale: Locale;
}

/**
 * The chat with the contact centre (rules, item 16). The bot answers from the published FAQ and
 * instructions; «Связаться с оператором» hands the conversation to the desk in working hours, or
 * registers it as a technical-failure request for the next working day outside them; operators
 * answer, close, or turn a conversation into a request with the deadlines of rule 15.
 */
export class ChatService {
  constructor(
    private readonly db: Knex,
    private readonly repo: ChatRepository,
    private readonly clock: Clock,
    private readonly site: SiteService,
    private readonly support: SupportService,
    readonly bus: ChatBus,
  ) {}

  /** The visitor's conversation, or undefined when the session has none (or it is not theirs). */
  async own(v: Visitor): Promise<ConversationRow | undefined> {
    if (!v.conversationId) return undefined;
    const c = await this.repo.find(this.db, v.conversationId);
    if (!c) return undefined;
    // a conversation of a logged-in person is theirs alone, even in a session that changed hands
    if (c.person_id !== null && c.person_id !== v.personId) return undefined;
    return c;
  }

  /** The conversation with its messages (after `afterId`), and whether working hours are on now. */
  async view(v: Visitor, afterId = 0) {
    const conversation = await this.own(v);
    const messages = conversation ? await this.repo.messages(this.db, conversation.id, afterId) : [];
    return { conversation: conversation ?? null, messages, workingNow: await this.workingNow() };
  }

  async workingNow(): Promise<boolean> {
    return isWorkingTime(this.clock.now(), await this.site.calendar());
  }

  /**
   * The visitor's message: starts a conversation if the session has none. While the bot has the
   * conversation it answers with the pages found (or offers an operator); once handed over the
   * message waits for the operator.
   */
  async post(v: Visitor, body: string): Promise<ConversationRow> {
    const text = body.trim();
    if (!text) throw new AppError('chat:errors.empty', 400);
    return inTransaction(this.db, async (tx) => {
      const now = this.clock.now();
      let c = await this.lockOwn(tx, v);
      if (!c) c = await this.repo.create(tx, { person_id: v.personId, locale: v.locale, at: now });
      else if (c.status === 'closed')
        c = await this.repo.update(tx, c.id, {
          status: 'bot',
          closed_at: null,
          operator_id: null,
          locale: v.locale,
        });
      else if (c.locale !== v.locale) c = await this.repo.update(tx, c.id, { locale: v.locale });
      await this.repo.addMessage(tx, {
        conversation_id: c.id,
        author: 'visitor',
        author_id: v.personId,
        body: text,
        created_at: now,
      });
      if (c.status === 'bot') {
        const found = await this.repo.search(tx, v.locale, text, BOT_LINKS);
        const links: BotLink[] = found.map((f) => ({
          kind: f.kind,
          id: f.id,
          title: f.title,
          excerpt: excerpt(f.body),
        }));
        await this.repo.addMessage(tx, {
          conversation_id: c.id,
          author: 'bot',
          text_key: links.length ? 'chat:bot.found' : 'chat:bot.notFound',
          links,
          created_at: now,
        });
      }
      return c;
    });
  }

  /**
   * «Связаться с оператором». In working hours (9:00–18:30 Astana on working days) the conversation
   * waits for an operator; outside them it is registered as a technical-failure request, which the
   * contact centre registers on the next working day (rule 16), and the visitor is told so. A visitor
   * who is not logged in leaves a contact for that request.
   */
  async handOff(v: Visitor, input: { contactName?: string; contact?: string }): Promise<ConversationRow> {
    return inTransaction(this.db, async (tx) => {
      const c = await this.lockOwn(tx, v);
      if (!c) throw new AppError('chat:errors.nothingToHandOff', 400);
      if (c.status !== 'bot' && c.status !== 'closed')
        throw new ConflictError('chat:errors.alreadyHandedOff');
      const now = this.clock.now();
      const cal = await this.site.calendar(tx);
      const contactName = input.contactName?.trim() || null;
      const contact = input.contact?.trim() || null;
      if (isWorkingTime(now, cal)) {
        const row = await this.repo.update(tx, c.id, {
          status: 'waiting',
          handed_at: now,
          closed_at: null,
          operator_id: null,
          contact_name: contactName ?? c.contact_name,
          contact: contact ?? c.contact,
        });
        await this.repo.addMessage(tx, {
          conversation_id: c.id,
          author: 'system',
          text_key: 'chat:system.waiting',
          created_at: now,
        });
        return row;
      }
      if (!v.personId && !contact) throw new AppError('chat:errors.contactNeeded', 400);
      const lines = await this.repo.visitorText(tx, c.id);
      const request = await this.support.fileFromChannel(
        {
          channel: 'chat',
          description: lines.join('\n').slice(0, 4000) || '—',
          personId: v.personId,
          contactName,
          contact,
          chatConversationId: c.id,
        },
        [],
        tx,
      );
      const row = await this.repo.update(tx, c.id, {
        status: 'registered',
        handed_at: now,
        support_request_id: request.id,
        contact_name: contactName ?? c.contact_name,
        contact: contact ?? c.contact,
      });
      await this.repo.addMessage(tx, {
        conversation_id: c.id,
        author: 'system',
        text_key: 'chat:system.afterHours',
        params: { number: request.number, from: formatAstana(workingStart(now, cal)) },
        created_at: now,
      });
      return row;
    });
  }

  private async lockOwn(tx: Knex.Transaction, v: Visitor): Promise<ConversationRow | undefined> {
    if (!v.conversationId) return undefined;
    const c = await this.repo.lock(tx, v.conversationId);
    if (!c || (c.person_id !== null && c.person_id !== v.personId)) return undefined;
    return c;
  }

  // ------------------------------------------------------------------ the desk

  async desk(show: 'open' | 'all' = 'open'): Promise<DeskRow[]> {
    return this.repo.desk(this.db, show, 300);
  }

  async waitingCount(): Promise<number> {
    return this.repo.waitingCount(this.db);
  }

  async showForOperator(id: number) {
    const conversation = await this.repo.find(this.db, id);
    if (!conversation || conversation.status === 'bot') throw new NotFoundError();
    const messages = await this.repo.messages(this.db, id);
    const personName = conversation.person_id
      ? await this.repo.personName(this.db, conversation.person_id)
      : null;
    return { conversation, messages, personName, open: isOpenForDesk(conversation.status) };
  }

  /** The operator's answer: the operator takes the conversation (a registered one too: the visitor may still read it). */
  async answer(actor: Actor, id: number, body: string): Promise<MessageRow> {
    const text = body.trim();
    if (!text) throw new AppError('chat:errors.empty', 400);
    return inTransaction(this.db, async (tx) => {
      const c = await this.repo.lock(tx, id);
      if (!c || c.status === 'bot') throw new NotFoundError();
      if (c.status === 'closed') throw new ConflictError('chat:errors.closed');
      const now = this.clock.now();
      if (c.status === 'waiting' || c.operator_id !== actor.personId)
        await this.repo.update(tx, id, {
          status: c.status === 'registered' ? 'registered' : 'active',
          operator_id: actor.personId,
        });
      const m = await this.repo.addMessage(tx, {
        conversation_id: id,
        author: 'operator',
        author_id: actor.personId,
        body: text,
        created_at: now,
      });
      if (c.status === 'waiting') await auditAction(tx, actor, 'chat.taken', ['chat_conversation', id]);
      return m;
    });
  }

  async closeConversation(actor: Actor, id: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const c = await this.repo.lock(tx, id);
      if (!c || c.status === 'bot') throw new NotFoundError();
      if (c.status === 'closed') throw new ConflictError('chat:errors.closed');
      const now = this.clock.now();
      await this.repo.update(tx, id, {
        status: 'closed',
        closed_at: now,
        operator_id: c.operator_id ?? actor.personId,
      });
      await this.repo.addMessage(tx, {
        conversation_id: id,
        author: 'system',
        text_key: 'chat:system.closed',
        created_at: now,
      });
      await auditAction(tx, actor, 'chat.closed', ['chat_conversation', id]);
    });
  }

  /**
   * Turns the conversation into a technical-failure request (rule 15) with the operator's
   * description; the visitor is told its number in the chat.
   */
  async toRequest(actor: Actor, id: number, input: { description: string; contact?: string }) {
    return inTransaction(this.db, async (tx) => {
      const c = await this.repo.lock(tx, id);
      if (!c || c.status === 'bot') throw new NotFoundError();
      if (c.support_request_id) throw new ConflictError('chat:errors.alreadyRequest');
      const contact = input.contact?.trim() || c.contact;
      if (!c.person_id && !contact) throw new AppError('chat:errors.contactNeeded', 400);
      const request = await this.support.fileFromChannel(
        {
          channel: 'chat',
          description: input.description,
          personId: c.person_id,
          contactName: c.contact_name,
          contact,
          recordedBy: actor,
          chatConversationId: id,
          receivedAt: c.handed_at ?? c.created_at,
        },
        [],
        tx,
      );
      const now = this.clock.now();
      await this.repo.update(tx, id, { support_request_id: request.id, contact });
      await this.repo.addMessage(tx, {
        conversation_id: id,
        author: 'system',
        text_key: 'chat:system.requestFiled',
        params: { number: request.number },
        created_at: now,
      });
      await audit(tx, {
        actorId: actor.personId,
        action: 'chat.to_request',
        objectType: 'chat_conversation',
        objectId: id,
        details: { request: request.number },
      });
      return request;
    });
  }

  // ------------------------------------------------------------------ the streams

  async messagesOf(conversationId: number, afterId: number): Promise<MessageRow[]> {
    return this.repo.messages(this.db, conversationId, afterId);
  }

  async allMessagesAfter(afterId: number): Promise<MessageRow[]> {
    return this.repo.allMessagesAfter(this.db, afterId);
  }

  async lastMessageId(): Promise<number> {
    return this.repo.lastMessageId(this.db);
  }

  /** Stops listening and ends the live streams of this instance. */
  async stop(): Promise<void> {
    await this.bus.close();
  }
}
