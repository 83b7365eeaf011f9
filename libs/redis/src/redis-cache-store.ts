import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CacheEpoch } from './cache-epoch';

/**
 * A Keyv store on the shared ioredis client, so the cache gets its fail-fast,
 * timeout and logging behaviour instead of a client of its own. Keyv hands it
 * serialised entries (with their expiry) and checks that expiry on read.
 * A cache is never a reason to fail a request: an unreachable Redis makes a
 * read a miss and a write a no-op; a failed delete distrusts every entry
 * (see CacheEpoch), since callers rely on it to drop what has changed.
 */
export class RedisCacheStore {
  private readonly logger = new Logger('RedisCacheStore');
  private readonly epoch: CacheEpoch;

  /** Keys are `${prefix}::${key}`, as @keyv/redis wrote them. (Not `namespace`: Keyv overwrites a store's `namespace`.) */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.epoch = new CacheEpoch(redis, `${prefix}:`);
  }

  async get(key: string): Promise<string | undefined> {
    const read = await this.epoch.read(this.key(key));
    if (!read?.stored) return undefined;
    const tag = `${read.epoch} `;
    return read.stored.startsWith(tag) ? read.stored.slice(tag.length) : undefined;
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    const epoch = this.epoch.trusted();
    if (!epoch) return;
    const entry = `${epoch} ${value}`;
    const write = ttl ? this.redis.set(this.key(key), entry, 'PX', ttl) : this.redis.set(this.key(key), entry);
    await write.catch(() => undefined); // a miss next time
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.key(key))) > 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not delete a cache entry from Redis: no cached entry counts until a new epoch starts');
      this.epoch.distrust();
      return false;
    }
  }

  /** Every entry stops counting at once; they expire by their TTL. */
  async clear(): Promise<void> {
    this.epoch.distrust();
  }

  private key(key: string): string {
    return `${this.prefix}::${key}`;
  }
}
