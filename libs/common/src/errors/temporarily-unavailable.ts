import { isRedisUnavailable } from '#redis';
import { AppException } from './app.exception';

/** A shared service (Redis, the database pool) cannot answer: the request is refused whole, never half done without its checks. */
export class TemporarilyUnavailableError extends AppException {
  constructor() {
    super(503, 'Service temporarily unavailable, try again in a few seconds', { 'Retry-After': '5' });
  }
}

/** node-postgres found no free pooled connection within its connect timeout: an overload, not a bug. */
function isDatabasePoolExhausted(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

/** The client-facing error for a failure: domain errors as they are, an unreachable Redis as 503. */
export function asAppException(error: unknown): AppException | undefined {
  if (error instanceof AppException) return error;
  return isRedisUnavailable(error) || isDatabasePoolExhausted(error) ? new TemporarilyUnavailableError() : undefined;
}
