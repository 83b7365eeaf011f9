import Redis from 'ioredis';
import { redactUrl, StartupError } from '#config';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;
const CONNECT_TIMEOUT_MS = 3000;

async function ping(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare "Connection is closed."; the socket's own error says why.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

/**
 * Fails the boot within seconds, naming REDIS_URL and its host, when Redis does not answer,
 * instead of a library's MaxRetriesPerRequestError later on. A few attempts ride out a Redis
 * that is still starting.
 */
export async function checkRedisReachable(url: string): Promise<void> {
  let failure: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await ping(url);
      return;
    } catch (error) {
      failure = error;
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
  const reason = failure instanceof Error ? failure.message : String(failure);
  throw new StartupError(
    `cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${reason}; ` +
      'check that Redis is running there and REDIS_URL is right',
    { cause: failure },
  );
}
