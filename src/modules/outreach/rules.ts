/**
 * Reaching people without a БМГ phone (rules, item 9): the ways a local executive body tells a
 * person, and what a notice's idempotency key says about the object it is about. No database here.
 */

/** How the person was told (seed 003 item 9: «иными методами», APPC article 66 item 2). */
export const NOTIFY_METHODS = ['visit', 'landline', 'letter', 'other'] as const;
export type NotifyMethod = (typeof NOTIFY_METHODS)[number];

/** The list's filter: not yet told, told, or all. */
export const OUTREACH_STATES = ['open', 'notified'] as const;
export type OutreachState = (typeof OUTREACH_STATES)[number];

/**
 * The object a notice is about, read from its idempotency key (`ipr-measure:12:notice:…`,
 * `service-act:7:to-sign`): the part before the first number and that number.
 */
export function objectOfKey(idempotencyKey: string): { type: string; id: number } | null {
  const m = /^([a-z][a-z0-9_-]*):(\d{1,12})(?::|$)/.exec(idempotencyKey);
  return m ? { type: m[1]!, id: Number(m[2]) } : null;
}
