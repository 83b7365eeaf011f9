import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CacheEpoch } from '#redis';
import { SESSION_CACHE_TTL_MS } from './session-cache';
import type { CachedSession, SessionCache, SessionLookup } from './session-cache';

interface Stored<T> {
  epoch: string;
  entry: T;
}

/**
 * Sessions cached in Redis, shared by every instance. A revocation deletes
 * the entry; when it cannot (Redis unreachable), CacheEpoch disowns every
 * entry written before, so Redis coming back with its data cannot revive a
 * revoked session.
 */
export class RedisSessionCache<T = CachedSession> implements SessionCache<T> {
  private readonly logger = new Logger('RedisSessionCache');
  private readonly epoch: CacheEpoch;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.epoch = new CacheEpoch(redis, prefix);
  }

  async lookup(sessionId: string): Promise<SessionLookup<T>> {
    const key = this.key(sessionId);
    const read = await this.epoch.read(key);
    if (!read) return {}; // the database answers
    const stored = read.stored ? (JSON.parse(read.stored) as Stored<T>) : undefined;
    if (stored?.epoch === read.epoch) return { entry: stored.entry };
    return { fill: (entry) => this.fill(key, { epoch: read.epoch, entry }) };
  }

  async drop(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    try {
      await this.redis.del(...sessionIds.map((id) => this.key(id)));
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not drop revoked entries from Redis: no cached entry counts until a new epoch starts');
      this.epoch.distrust();
    }
  }

  private async fill(key: string, stored: Stored<T>): Promise<void> {
    await this.redis.set(key, JSON.stringify(stored), 'PX', SESSION_CACHE_TTL_MS).catch(() => undefined); // a miss next time
  }

  private key(sessionId: string): string {
    return `${this.prefix}${sessionId}`;
  }
}
