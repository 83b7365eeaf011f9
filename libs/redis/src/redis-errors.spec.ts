import { isRedisUnavailable } from './redis-errors';

describe('isRedisUnavailable', () => {
  it('recognises what ioredis says when Redis cannot be reached', () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' });
    for (const error of [
      maxRetries,
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
    ]) {
      expect(isRedisUnavailable(error)).toBe(true);
    }
  });

  it('leaves other failures alone', () => {
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isRedisUnavailable(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
  });
});
