import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { BoundedCache } from '#redis';

/**
 * Values a key opens once, within a lifetime: the pending sign-ins (by `state`) and the login codes.
 * Keys are stored hashed, so a dump of the store holds nothing a browser could replay.
 */
export interface OneTimeStore {
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The value, removed as it is read (a second take is null), or null when absent or expired. */
  take(key: string): Promise<string | null>;
}

const hashed = (key: string) => createHash('sha256').update(key).digest('base64url');

/** Shared by every instance: the browser's callback may reach another one than its login did. GETDEL is atomic. */
export class RedisOneTimeStore implements OneTimeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}${hashed(key)}`, value, 'EX', ttlSeconds);
  }

  take(key: string): Promise<string | null> {
    return this.redis.getdel(`${this.prefix}${hashed(key)}`);
  }
}

// A pending sign-in is a few hundred bytes: thousands at once; past that the oldest are forgotten (that sign-in starts again).
const MEMORY_STORE_BYTES = 4 * 1024 * 1024;

/** One instance's (no Redis); abandoned sign-ins are dropped when they expire, unread. */
export class MemoryOneTimeStore implements OneTimeStore {
  private readonly entries = new BoundedCache<string, string>({ maxBytes: MEMORY_STORE_BYTES });

  put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(hashed(key), value, ttlSeconds * 1000);
    return Promise.resolve();
  }

  take(key: string): Promise<string | null> {
    return Promise.resolve(this.entries.take(hashed(key)) ?? null);
  }
}
