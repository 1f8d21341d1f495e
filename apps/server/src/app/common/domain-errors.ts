import type { FieldError } from '@onward/task-domain';

/** Base of the errors the domain throws; the exception filter maps `code` to an HTTP status. */
export abstract class DomainError extends Error {
  abstract readonly code:
    | 'not_found'
    | 'conflict'
    | 'validation_failed'
    | 'forbidden'
    | 'unauthorized'
    | 'too_many_requests'
    | 'payload_too_large'
    | 'gone';
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}

/** A limit was reached (429); `retryAfterSeconds` becomes the `Retry-After` header. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'too_many_requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

/** The resource existed and has ended for good (a cancelled upload): 410. */
export class GoneError extends DomainError {
  readonly code = 'gone';
}
