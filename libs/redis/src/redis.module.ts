import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../../config/src';
import type { AppConfig } from '../../config/src';

/** The shared ioredis client, or null when REDIS_URL is unset (in-memory mode). */
export const REDIS = Symbol('REDIS');

/**
 * At shutdown, a connection to a Redis that went away is destroyed after this
 * long (ioredis waits 2 s by default, keeping the process alive meanwhile).
 */
export const REDIS_DISCONNECT_TIMEOUT_MS = 500;

export function createRedisClient(url: string, name: string): Redis {
  const logger = new Logger(`Redis:${name}`);
  const client = new Redis(url, {
    connectionName: `foyergpt-${name}`,
    // Fail a command after a short wait instead of queueing forever while Redis is down.
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
  });
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // ioredis emits an error per reconnection attempt; one line every 10 s is enough.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      logger.warn(`Redis unavailable: ${error.message}`);
    }
  });
  return client;
}

function settle(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Closes a client without rejecting what it still has queued (subscriptions
 * sent by a library at start-up, say): a connection still being made is let
 * finish, then quit() runs after the queued commands. While Redis is down
 * (reconnecting), only disconnect() ends the attempts.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'connecting' || client.status === 'connect') {
    await settle(new Promise((resolve) => client.once('ready', resolve)), 2000);
  }
  if (client.status === 'ready') await settle(client.quit(), 1000);
  client.disconnect();
}

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeRedis(this.redis);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.redisUrl ? createRedisClient(config.redisUrl, 'main') : null),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
