import { isRedisUnavailable } from '#redis';
import { DomainError, ServiceUnavailableError } from './domain-error';

/** A shared service (Redis, the database pool) cannot answer: the request is refused whole, never half done without its checks. */
export class TemporarilyUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('Service temporarily unavailable, try again in a few seconds', 5);
  }
}

/** node-postgres found no free pooled connection within its connect timeout: an overload, not a bug. */
function isDatabasePoolExhausted(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

/** The domain error a failure stands for: domain errors as they are, an unreachable Redis or a drained pool as unavailable. */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  return isRedisUnavailable(error) || isDatabasePoolExhausted(error) ? new TemporarilyUnavailableError() : undefined;
}
