/**
 * Typed domain errors with a stable code. The error handler maps them to a status and a translated
 * message (`errors:<code>` in the locales); raw driver errors never reach a user.
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number = 400,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export class NotFoundError extends AppError {
  constructor() {
    super('not_found', 404);
  }
}

export class ForbiddenError extends AppError {
  constructor() {
    super('forbidden', 403);
  }
}

/** A form failed validation: field → translation key (errors:…) */
export class ValidationError extends AppError {
  constructor(public readonly fields: Record<string, string>) {
    super('validation', 400);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, params: Record<string, string | number> = {}) {
    super(code, 409, params);
  }
}
