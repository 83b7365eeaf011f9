import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

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

// Past this many entries, expired ones are swept so abandoned sign-ins cannot grow the map forever.
const MEMORY_SWEEP_SIZE = 10_000;

/** One instance's (no Redis). */
export class MemoryOneTimeStore implements OneTimeStore {
  private readonly entries = new Map<string, { value: string; until: number }>();

  put(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.entries.size >= MEMORY_SWEEP_SIZE) this.sweepExpired();
    this.entries.set(hashed(key), { value, until: Date.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  take(key: string): Promise<string | null> {
    const id = hashed(key);
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return Promise.resolve(entry && entry.until > Date.now() ? entry.value : null);
  }

  private sweepExpired(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
  }
}
