import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode, ErrorDetail } from './domain-error';
import { asDomainError } from './temporarily-unavailable';

/** The one table from a domain error's code to its HTTP status (sockets report the same status on a refused handshake). */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  unavailable: 503,
};

const INTERNAL_ERROR_DETAIL = 'Internal server error';

/** A failure as the client sees it over HTTP: always a `{"detail"}` body. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { detail: ErrorDetail; correlation_id?: string };
}

/** A failed socket event's acknowledgement. */
export interface ErrorAck {
  ok: false;
  detail: ErrorDetail;
  /** Seconds before a retry may succeed, when HTTP would send Retry-After (429, some 503s). */
  retry_after?: number;
}

/** Called with an error no rule knows (a bug or an outage to log); the client only reads a bare 500. */
export type UnexpectedErrorLogger = (error: unknown) => void;

/** What body-parser (through http-errors) rejects: `expose` marks a message written for the client. */
interface ClientHttpError extends Error {
  status: number;
  expose: boolean;
  type?: string;
}

/** body-parser's own messages for these read like internals; these say what to fix. */
const BODY_PARSER_DETAILS: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON in request body',
  'entity.too.large': 'Request body too large',
  'parameters.too.many': 'Request body has too many form fields',
};

function fromDomainError(error: DomainError): ErrorReply {
  const headers: Record<string, string> = {};
  if (error.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer';
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  return { status: HTTP_STATUS_OF_CODE[error.code], headers, body: { detail: error.detail } };
}

/** Nest's own HttpExceptions carry `message` as a string or a list of strings. */
function fromHttpException(exception: HttpException): ErrorReply {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let detail: string = exception.message;
  if (status === 404) detail = 'Not Found';
  else if (typeof response === 'string') detail = response;
  else if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = (response as { message: unknown }).message;
    detail = Array.isArray(message) ? message.join('; ') : String(message);
  }
  return { status, headers: {}, body: { detail } };
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  const { status, expose } = (error ?? {}) as Partial<ClientHttpError>;
  return error instanceof Error && expose === true && typeof status === 'number' && status >= 400 && status < 500;
}

function fromClientHttpError(error: ClientHttpError): ErrorReply {
  const detail = (error.type && BODY_PARSER_DETAILS[error.type]) || error.message;
  return { status: error.status, headers: {}, body: { detail } };
}

/**
 * The reply for a failure a rule knows: domain errors (LlmErrors included) by
 * their code, an unreachable Redis or drained pool as 503, Nest's
 * HttpExceptions and body-parser's refusals as they say. Undefined otherwise.
 */
export function knownErrorReply(error: unknown): ErrorReply | undefined {
  const domain = asDomainError(error);
  if (domain) return fromDomainError(domain);
  if (error instanceof HttpException) return fromHttpException(error);
  if (isClientHttpError(error)) return fromClientHttpError(error);
  return undefined;
}

function unexpectedErrorReply(error: unknown, onUnexpected: UnexpectedErrorLogger): ErrorReply {
  onUnexpected(error);
  return { status: 500, headers: {}, body: { detail: INTERNAL_ERROR_DETAIL } };
}

/** Any failure as HTTP; a 5xx carries the request's correlation id, an unknown error never its message. */
export function toHttpErrorReply(error: unknown, onUnexpected: UnexpectedErrorLogger, correlationId?: string): ErrorReply {
  const reply = knownErrorReply(error) ?? unexpectedErrorReply(error, onUnexpected);
  if (reply.status >= 500 && correlationId) reply.body.correlation_id = correlationId;
  return reply;
}

/** Any failure as a socket event's ack: the same detail HTTP would answer, and its Retry-After as `retry_after`. */
export function toSocketErrorAck(error: unknown, onUnexpected: UnexpectedErrorLogger): ErrorAck {
  const reply = knownErrorReply(error) ?? unexpectedErrorReply(error, onUnexpected);
  const retryAfter = reply.headers['Retry-After'];
  return { ok: false, detail: reply.body.detail, ...(retryAfter ? { retry_after: Number(retryAfter) } : {}) };
}

/** A refused socket handshake as connect_error reads it: the reason, and its HTTP status in `data`. */
export function toSocketRefusal(error: unknown, onUnexpected: UnexpectedErrorLogger): Error & { data?: { status: number } } {
  const known = knownErrorReply(error);
  if (known) return Object.assign(new Error(String(known.body.detail)), { data: { status: known.status } });
  onUnexpected(error);
  return new Error('Authentication failed');
}
