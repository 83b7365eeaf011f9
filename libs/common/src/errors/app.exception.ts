/** One validation problem, as FastAPI reports them: where, and what is wrong. */
export interface FieldProblem {
  loc: (string | number)[];
  msg: string;
}

export type ErrorDetail = string | FieldProblem[];

/**
 * Domain errors thrown by services. The global filter turns each into its
 * status and a `{"detail": ...}` body; services never build HTTP responses.
 */
export class AppException extends Error {
  constructor(
    readonly statusCode: number,
    readonly detail: ErrorDetail,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : 'Validation error');
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppException {
  constructor(detail = 'Bad request') {
    super(400, detail);
  }
}

export class UnauthorizedError extends AppException {
  constructor(detail = 'Could not validate credentials') {
    super(401, detail, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppException {
  constructor(detail = 'Forbidden') {
    super(403, detail);
  }
}

export class NotFoundError extends AppException {
  constructor(detail = 'Resource not found') {
    super(404, detail);
  }
}

export class ConflictError extends AppException {
  constructor(detail = 'Conflict') {
    super(409, detail);
  }
}

export class PayloadTooLargeError extends AppException {
  constructor(detail = 'Payload too large') {
    super(413, detail);
  }
}

export class UnsupportedMediaTypeError extends AppException {
  constructor(detail = 'Unsupported media type') {
    super(415, detail);
  }
}

export class ValidationError extends AppException {
  constructor(problems: FieldProblem[]) {
    super(422, problems);
  }
}

export class TooManyRequestsError extends AppException {
  constructor(retryAfterSeconds: number, detail = 'Too many requests, try again later') {
    super(429, detail, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export class ServiceUnavailableError extends AppException {
  constructor(detail = 'Service unavailable') {
    super(503, detail);
  }
}
