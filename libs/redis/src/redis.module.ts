import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { Command } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';

/** The shared ioredis client, or null when REDIS_URL is unset (in-memory mode). */
export const REDIS = Symbol('REDIS');

/**
 * At shutdown, a connection to a Redis that went away is destroyed after this
 * long (ioredis waits 2 s by default, keeping the process alive meanwhile).
 */
export const REDIS_DISCONNECT_TIMEOUT_MS = 500;

/** A Redis command answers in microseconds; one that takes this long is a Redis that cannot answer. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

const REDIS_CONNECT_TIMEOUT_MS = 5000;

/**
 * An ioredis client whose failed commands are never unhandled rejections:
 * code that publishes without awaiting (the realtime bus, BullMQ's
 * internals) would otherwise crash the process whenever Redis is unreachable.
 * Callers that await a command still receive its error.
 */
class OwnedRedis extends Redis {
  constructor(
    url: string,
    options: RedisOptions,
    private readonly onCommandFailure: (error: Error) => void,
  ) {
    super(url, options);
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    command.promise.catch(this.onCommandFailure);
    return super.sendCommand(command, stream);
  }
}

export interface RedisClientOptions {
  /**
   * Refuse commands at once while disconnected instead of queueing them until
   * Redis returns: for the client that requests wait on, so they answer 503 fast.
   */
  failFast?: boolean;
}

export function createRedisClient(url: string, name: string, { failFast = false }: RedisClientOptions = {}): Redis {
  const logger = new Logger(`Redis:${name}`);
  let lastLogged = 0;
  // ioredis reports each reconnection attempt and each failed command; one line every 10 s is enough.
  const warn = (what: string, error: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.warn(`Redis ${what}: ${error.message}`);
  };
  const client = new OwnedRedis(
    url,
    {
      connectionName: `foyergpt-${name}`,
      // Fail a command after a short wait instead of queueing forever while Redis is down.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: !failFast,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
    },
    (error) => warn('command failed', error),
  );
  client.on('error', (error: Error) => warn('unavailable', error));
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

/** Until a fail-fast client first connects, its commands would fail: boot waits for it, boundedly. */
async function firstConnection(client: Redis): Promise<Redis> {
  if (client.status !== 'ready') await settle(new Promise((resolve) => client.once('ready', resolve)), REDIS_CONNECT_TIMEOUT_MS);
  return client;
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
      useFactory: (config: AppConfig) =>
        config.redisUrl ? firstConnection(createRedisClient(config.redisUrl, 'main', { failFast: true })) : null,
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
