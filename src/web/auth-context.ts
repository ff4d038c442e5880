import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../lib/errors.js';

export type Role = 'recipient' | 'guardian' | 'specialist' | 'employee' | 'admin' | 'operator';

/** What the session knows about who is logged in and for whom they act. */
export interface SessionAuth {
  personId: number;
  name: string;
  roles: Role[];
  /** the organisation an employee acts for (from the certificate's OU=BIN…) */
  organisationId?: number;
  /** the directions of that organisation's activity (which cabinets it has) */
  directions?: string[];
  /** the person whose records a recipient or guardian works with: self or a ward */
  principalId: number;
  principalName: string;
  loginAt: string;
}

/** The acting person as services see it. */
export interface Actor {
  personId: number;
  principalId: number;
  roles: Role[];
  organisationId?: number;
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('unauthenticated', 401);
  }
}

export function actorOf(req: Request): Actor {
  const a = req.session.auth;
  if (!a) throw new UnauthenticatedError();
  return {
    personId: a.personId,
    principalId: a.principalId,
    roles: a.roles,
    ...(a.organisationId ? { organisationId: a.organisationId } : {}),
  };
}

export function requireAuth(req: Request, res: Response, next: NextFunction): void {
  if (!req.session.auth) {
    const back = encodeURIComponent(req.originalUrl);
    res.redirect(303, `/login?next=${back}`);
    return;
  }
  next();
}

/** Every other role gets 403; a visitor without a session is sent to the login page. */
export function requireRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const a = req.session.auth;
    if (!a) {
      requireAuth(req, res, next);
      return;
    }
    if (!a.roles.some((r) => roles.includes(r))) {
      next(new AppError('forbidden', 403));
      return;
    }
    next();
  };
}
