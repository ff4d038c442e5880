import { AppError } from '../../lib/errors.js';
import type { Role } from '../../lib/actor.js';

/**
 * An order kind's life as data: from-status, action, who may do it, whether it must be signed,
 * to-status. Services apply it, pages ask it which buttons to show, tests walk it.
 */
export interface Transition<S extends string, A extends string> {
  from: readonly S[];
  action: A;
  by: readonly Role[];
  signed: boolean;
  to: S;
  /** the order stops being open (another order of the same help type may then be created) */
  closes?: boolean;
  reasonRequired?: boolean;
}

export class StateMachine<S extends string, A extends string> {
  constructor(
    public readonly name: string,
    public readonly initial: readonly S[],
    public readonly transitions: readonly Transition<S, A>[],
    public readonly terminal: readonly S[],
  ) {}

  find(from: S, action: A): Transition<S, A> | undefined {
    return this.transitions.find((t) => t.action === action && t.from.includes(from));
  }

  /** The transition, or an error a user can read: this action is not possible now / not yours. */
  require(from: S, action: A, roles: readonly Role[]): Transition<S, A> {
    const t = this.find(from, action);
    if (!t) throw new AppError('order_action_not_allowed', 409, { action, status: from });
    if (!t.by.some((r) => roles.includes(r))) throw new AppError('forbidden', 403);
    return t;
  }

  actionsFor(from: S, roles: readonly Role[]): A[] {
    return this.transitions
      .filter((t) => t.from.includes(from) && t.by.some((r) => roles.includes(r)))
      .map((t) => t.action);
  }

  isOpen(status: S): boolean {
    return !this.terminal.includes(status);
  }

  statuses(): S[] {
    const all = new Set<S>([...this.initial, ...this.transitions.flatMap((t) => [...t.from, t.to])]);
    return [...all];
  }
}
