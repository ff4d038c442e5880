import type { Locale } from '../../lib/i18n.js';

/**
 * The chat with the contact centre (rules, item 16): a conversation starts with the bot; the visitor
 * asks for an operator, who takes it during working hours; outside them it is registered as a request
 * for the next working day; an operator closes it or turns it into a technical-failure request.
 */
export const CHAT_STATUSES = ['bot', 'waiting', 'active', 'registered', 'closed'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];
export type ChatAuthor = 'visitor' | 'bot' | 'operator' | 'system';

/** The longest message anybody may send (characters). */
export const MAX_MESSAGE_CHARS = 2000;
/** Messages a browser session (or an address) may send per minute. */
export const MESSAGES_PER_MINUTE = 20;
/** Requests the public form takes from one address per hour. */
export const PUBLIC_REQUESTS_PER_HOUR = 5;
/** The pages the bot offers at most. */
export const BOT_LINKS = 3;
/** The PostgreSQL channel the chat's messages are announced on (NOTIFY, in the inserting transaction). */
export const CHAT_CHANNEL = 'portal_chat';

/** The full-text configuration of each language (Kazakh has none of its own: words as they are). */
export const FTS_CONFIG: Record<Locale, 'russian' | 'simple' | 'english'> = {
  ru: 'russian',
  kk: 'simple',
  en: 'english',
};

/** Whether an operator still has something to do in the conversation. */
export function isOpenForDesk(status: ChatStatus): boolean {
  return status === 'waiting' || status === 'active' || status === 'registered';
}

/** Plain text of a sanitised HTML body, shortened to about `max` characters at a word boundary. */
export function excerpt(html: string, max = 240): string {
  const plain = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
