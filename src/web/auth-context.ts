import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../lib/errors.js';
import type { Actor, Role } from '../lib/actor.js';

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
