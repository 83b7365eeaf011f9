/** One validation problem, as FastAPI reports them: where, and what is wrong. */
export interface FieldProblem {
  loc: (string | number)[];
  msg: string;
}

export type ErrorDetail = string | FieldProblem[];

/** What kind of failure, in the domain's words; only error-mapping.ts knows what each means for HTTP or a socket. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation'
  | 'rate_limited'
  | 'unavailable';

/**
 * Errors thrown by services: a code, a detail fit for the client and, when a
 * later try can succeed, after how many seconds. Services never build responses.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: ErrorDetail,
    readonly retryAfterSeconds?: number,
  ) {
    super(typeof detail === 'string' ? detail : 'Validation error');
    this.name = new.target.name;
  }
}

/** A domain error class whose only argument is its detail, with a default. */
function withCode(code: ErrorCode, defaultDetail: string) {
  return class extends DomainError {
    constructor(detail: string = defaultDetail) {
      super(code, detail);
    }
  };
}

export class BadRequestError extends withCode('bad_request', 'Bad request') {}
export class UnauthorizedError extends withCode('unauthorized', 'Could not validate credentials') {}
export class ForbiddenError extends withCode('forbidden', 'Forbidden') {}
export class NotFoundError extends withCode('not_found', 'Resource not found') {}
export class ConflictError extends withCode('conflict', 'Conflict') {}
export class PayloadTooLargeError extends withCode('payload_too_large', 'Payload too large') {}
export class UnsupportedMediaTypeError extends withCode('unsupported_media_type', 'Unsupported media type') {}

export class ValidationError extends DomainError {
  constructor(problems: FieldProblem[]) {
    super('validation', problems);
  }
}

export class TooManyRequestsError extends DomainError {
  declare readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, detail = 'Too many requests, try again later') {
    super('rate_limited', detail, retryAfterSeconds);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(detail = 'Service unavailable', retryAfterSeconds?: number) {
    super('unavailable', detail, retryAfterSeconds);
  }
}
