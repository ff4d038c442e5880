import { AppError } from '../../lib/errors.js';
import type { Role } from '../../lib/actor.js';
import type { DocumentKind } from '../../eds/index.js';
import type { SignerKind } from '../signing/signing-service.js';

/** How a signed step is signed: the document the signer sees and the purpose the server accepts it for. */
export interface StepDocument {
  kind: DocumentKind;
  purpose: string;
  signer: SignerKind;
}

/** How a status is shown beside its name (never by colour alone: the name is always written). */
export type Tone = 'open' | 'done' | 'closed' | 'warning';

/**
 * One row of an order kind's life: the action, from → to, who may do it, its guard, whether and how it
 * is signed, and its effect. Services apply rows, pages ask the machine which actions to offer, tests
 * walk the table; nothing else decides what may happen to a record.
 *
 * `C` is what a guard looks at besides the status (the record, the clock's "now"); `E` names the
 * effects a service runs with the change (release a bed, reserve stock).
 */
export interface Transition<S extends string, A extends string, C = unknown, E extends string = string> {
  from: readonly S[];
  action: A;
  by: readonly Role[];
  /** the step is signed with EDS; then `document` says how */
  signed: boolean;
  document?: StepDocument;
  to: S;
  /** the record stops being open (another of the same help type may then be created) */
  closes?: boolean;
  reasonRequired?: boolean;
  /** null when the step is possible for this record now; otherwise the error text key why not */
  guard?: (ctx: C) => string | null;
  /** what else the step does, by name; the service that applies the row runs it in the same transaction */
  effect?: E;
}

export class StateMachine<S extends string, A extends string, C = unknown, E extends string = string> {
  constructor(
    public readonly name: string,
    public readonly initial: readonly S[],
    public readonly transitions: readonly Transition<S, A, C, E>[],
    public readonly terminal: readonly S[],
    private readonly tones: Partial<Record<S, Tone>> = {},
  ) {
    for (const t of transitions) {
      if (t.document && !t.signed) throw new Error(`${name}.${t.action}: an unsigned step has no document`);
    }
  }

  find(from: S, action: A): Transition<S, A, C, E> | undefined {
    return this.transitions.find((t) => t.action === action && t.from.includes(from));
  }

  /**
   * The transition, or an error a user can read: this action is not possible now / not yours / its
   * guard refuses (with the guard's reason). Pass `ctx` wherever a row has a guard.
   */
  require(from: S, action: A, roles: readonly Role[], ctx?: C): Transition<S, A, C, E> {
    const t = this.find(from, action);
    if (!t) throw new AppError('order_action_not_allowed', 409, { action, status: from });
    if (!t.by.some((r) => roles.includes(r))) throw new AppError('forbidden', 403);
    const why = t.guard && ctx !== undefined ? t.guard(ctx) : null;
    if (why) throw new AppError(why, 409, { action, status: from });
    return t;
  }

  /** The actions these roles may take from this status (and, given `ctx`, whose guard allows them now). */
  actionsFor(from: S, roles: readonly Role[], ctx?: C): A[] {
    return this.transitions
      .filter((t) => t.from.includes(from) && t.by.some((r) => roles.includes(r)))
      .filter((t) => !(t.guard && ctx !== undefined && t.guard(ctx)))
      .map((t) => t.action);
  }

  /** Whether these roles may take this action from this status now. */
  can(from: S, action: A, roles: readonly Role[], ctx?: C): boolean {
    return this.actionsFor(from, roles, ctx).includes(action);
  }

  /** The document a signed action is signed with. */
  document(action: A): StepDocument {
    const t = this.transitions.find((x) => x.action === action && x.document);
    if (!t?.document) throw new Error(`${this.name}.${action} is not a signed step`);
    return t.document;
  }

  isOpen(status: S): boolean {
    return !this.terminal.includes(status);
  }

  /** The tone a status is shown with: its own, else closed for a terminal status and open for the rest. */
  tone(status: string): Tone {
    const s = status as S;
    return this.tones[s] ?? (this.terminal.includes(s) ? 'closed' : 'open');
  }

  statuses(): S[] {
    const all = new Set<S>([...this.initial, ...this.transitions.flatMap((t) => [...t.from, t.to])]);
    return [...all];
  }
}
