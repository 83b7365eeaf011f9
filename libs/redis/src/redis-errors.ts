/** What ioredis says when Redis cannot be reached (as opposed to a command Redis refused). */
const UNREACHABLE = [/^Connection is closed/, /^Stream isn't writeable/, /^Command timed out/, /max retries per request/i];

/** True for the errors of a Redis that is down, cut off or too slow to answer. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || UNREACHABLE.some((pattern) => pattern.test(error.message));
}
