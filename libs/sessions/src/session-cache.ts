import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { BoundedCache, REDIS } from '#redis';
import { RedisSessionCache } from './redis-session-cache';

/** What authenticating a session needs, cached so it is not a database query per request. */
export interface CachedSession {
  user: { id: number; email: string; trigramme: string; is_admin: boolean };
  expires_at: number;
}

/** A cached session, or else how to store the database's answer (absent when the cache cannot take it). */
export interface SessionLookup<T = CachedSession> {
  entry?: T;
  fill?: (entry: T) => Promise<void>;
}

/** Generic over the entry, so other credentials (API keys) are cached and revoked the same way. */
export interface SessionCache<T = CachedSession> {
  lookup(sessionId: string): Promise<SessionLookup<T>>;
  /** Never throws: an entry that cannot be dropped is made unusable another way. */
  drop(sessionIds: string[]): Promise<void>;
}

export const SESSION_CACHE = Symbol('SESSION_CACHE');

// Short, so that the "last seen" time written on each fill stays recent.
export const SESSION_CACHE_TTL_MS = 60_000;

// A cached session is a few hundred bytes: this keeps some 20,000 of the most recently used.
const MEMORY_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * One instance's sessions in memory (no Redis). A fill that a drop happened
 * during is discarded: its database read may predate the revocation.
 */
export class MemorySessionCache<T = CachedSession> implements SessionCache<T> {
  private readonly entries = new BoundedCache<string, T>({ maxBytes: MEMORY_CACHE_BYTES, ttlMs: SESSION_CACHE_TTL_MS });
  private drops = 0;

  lookup(sessionId: string): Promise<SessionLookup<T>> {
    const cached = this.entries.get(sessionId);
    if (cached !== undefined) return Promise.resolve({ entry: cached });
    const dropsBefore = this.drops;
    const fill = (entry: T) => {
      if (this.drops === dropsBefore) this.entries.set(sessionId, entry);
      return Promise.resolve();
    };
    return Promise.resolve({ fill });
  }

  drop(sessionIds: string[]): Promise<void> {
    this.drops += 1;
    for (const id of sessionIds) this.entries.delete(id);
    return Promise.resolve();
  }
}

export const sessionCacheProvider: Provider = {
  provide: SESSION_CACHE,
  inject: [REDIS, APP_CONFIG],
  useFactory: (redis: Redis | null, config: AppConfig): SessionCache =>
    redis ? new RedisSessionCache(redis, `${config.redisKeyPrefix}session:`) : new MemorySessionCache(),
};
