/**
 * Expected failures are part of the API contract: each carries a stable code that the GraphQL
 * layer maps one-to-one onto `extensions.code`, and a stable `reason` (`extensions.reason`) a
 * client can branch on — the code when nothing finer is said. Services throw these and never
 * import graphql.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, client-safe details copied into `extensions`. */
  readonly details: Record<string, unknown> = {};
  /** Set by the throwing module: one of its `…_REASONS`, e.g. `CLAIM_LAPSED`. */
  reasonOverride?: string;

  /** What went wrong, in a word a client can branch on; the code unless the module says more. */
  get reason(): string {
    return this.reasonOverride ?? this.code;
  }

  /** Names the reason (chained: `throw new ConflictError(…).because('CLAIM_LAPSED')`). */
  because(reason: string): this {
    this.reasonOverride = reason;
    return this;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(message = 'You must sign in to do this.') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  constructor(subject: string, message = `${subject} not found.`) {
    super(message);
  }
}

/** One refused field: its path into the operation's arguments (`fieldPath`) and why, in words. */
export interface FieldError {
  field: string;
  message: string;
}

export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  /**
   * `field` is a dotted path into the operation's arguments, e.g. `input.email`. `fieldErrors`
   * (`extensions.fieldErrors`) lists every refused field when there are several; it is always
   * sent, holding at least this one.
   */
  constructor(
    readonly field: string,
    message: string,
    fieldErrors: readonly FieldError[] = [{ field, message }],
  ) {
    super(message);
    this.details.field = field;
    this.details.fieldErrors = fieldErrors.map((e) => ({ field: e.field, message: e.message }));
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
  constructor(message: string, field?: string) {
    super(message);
    if (field) this.details.field = field;
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
    this.details.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request could not be served for a moment (the database out of reach); the same request may succeed after `retryAfterSeconds`. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  constructor(readonly retryAfterSeconds: number) {
    super(`The service cannot reach its database just now. Try again in ${retryAfterSeconds} seconds.`);
    this.details.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * True when `check` passes; false when it refuses with an expected (domain) error. Lets a
 * `viewerCan…` field answer with the very check its mutation makes.
 */
export async function passes(check: () => unknown): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}
