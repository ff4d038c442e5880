import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { ASTANA_ZONE } from '../../lib/clock.js';
import type { ConversationRow, DeskRow, MessageRow } from '../../modules/chat/chat-service.js';

export interface MessageView {
  id: number;
  author: MessageRow['author'];
  who: string;
  text: string;
  at: string;
  links: { href: string; title: string; excerpt: string }[];
  /** the conversation left the bot with this message (the «Связаться с оператором» form goes) */
  handedOff: boolean;
}

/** Where the bot's found page is read: an instruction has its page, a FAQ answer its place on /info. */
export function linkOf(l: { kind: 'faq' | 'instruction'; id: number }): string {
  return l.kind === 'instruction' ? `/info/instructions/${l.id}` : `/info#faq-${l.id}`;
}

/** A message as the visitor (`side: 'visitor'`) or the desk sees it, in the reader's language. */
export function messageView(m: MessageRow, t: TFunction, side: 'visitor' | 'desk'): MessageView {
  return {
    id: Number(m.id),
    author: m.author,
    who: t(
      m.author === 'visitor'
        ? `chat:author.${side === 'visitor' ? 'you' : 'visitor'}`
        : `chat:author.${m.author}`,
    ),
    text: m.text_key ? t(m.text_key, m.params) : m.body,
    at: DateTime.fromJSDate(new Date(m.created_at)).setZone(ASTANA_ZONE).toFormat('dd.MM HH:mm'),
    links: (m.links ?? []).map((l) => ({ href: linkOf(l), title: l.title, excerpt: l.excerpt })),
    handedOff: m.text_key === 'chat:system.waiting' || m.text_key === 'chat:system.afterHours',
  };
}

export function conversationView(c: ConversationRow | DeskRow) {
  return {
    id: Number(c.id),
    status: c.status,
    handedAt: c.handed_at,
    lastMessageAt: c.last_message_at,
    contactName: c.contact_name,
    contact: c.contact,
    supportRequestId: c.support_request_id,
    personName: 'person_name' in c ? c.person_name : null,
    operatorName: 'operator_name' in c ? c.operator_name : null,
    supportNumber: 'support_number' in c ? c.support_number : null,
    lastVisitorText: 'last_visitor_text' in c ? c.last_visitor_text : null,
    messages: 'messages' in c ? c.messages : null,
  };
}
