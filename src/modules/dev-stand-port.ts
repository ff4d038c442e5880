/**
 * What the dev stand (src/devstand) plugs into the services outside production: the local adapters of
 * the state systems, the trust store of its own PKI, and the mailbox of what those adapters received.
 * Production passes none of it; the domain sees only these types, never the dev stand itself.
 */
import type { TrustStore } from '../eds/index.js';
import type { Integrations } from '../integrations/ports.js';

export interface DevSmsRow {
  id: number;
  phone: string;
  text: string;
  sent_at: Date;
}

/** What the dev adapters received, newest first (the exchange monitor shows it). */
export interface DevInbox {
  esobes: {
    id: number;
    topic: string;
    idempotency_key: string;
    payload: Record<string, unknown>;
    received_at: Date;
  }[];
  sms: DevSmsRow[];
  email: { id: number; to: string; subject: string; text: string; sent_at: Date }[];
}

export interface DevMailbox {
  /** the SMS the dev gateway "sent", newest first, optionally for one phone */
  sms(phone?: string, limit?: number): Promise<DevSmsRow[]>;
  /** the last messages of each dev adapter */
  inbox(): Promise<DevInbox>;
}

export interface DevStandServices {
  integrations: Integrations;
  /** the dev PKI's trust store (made on first use: the PKI exists by then) */
  readonly trust: TrustStore;
  mailbox: DevMailbox;
}
