import { Logger } from '@nestjs/common';
import { approximateBytes } from '#redis';
import { deliver } from './realtime-bus';
import type { LogAppend, LogKey, RealtimeBus, Topic, Unsubscribe } from './realtime-bus';

/** What the logs may hold together; past it the oldest logs go first (Redis is where logs may grow). */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

interface Log {
  entries: unknown[];
  bytes: number;
  expiry?: NodeJS.Timeout;
}

/**
 * One process, no Redis: topics and logs live here. Logs expire as in Redis
 * and are bounded in bytes besides: a busy hour of answers would otherwise
 * keep every token of every answer for the whole hour.
 */
export class MemoryRealtimeBus implements RealtimeBus {
  private readonly logger = new Logger('RealtimeBus');
  private readonly listeners = new Map<string, Set<(message: never) => void>>();
  private readonly logs = new Map<string, Log>();
  private logBytes = 0;

  constructor(private readonly maxLogBytes = MAX_LOG_BYTES) {}

  publish<T>(topic: Topic<T>, message: T, log?: LogAppend<T>): Promise<void> {
    if (log) this.append(log, message);
    deliver(this.listeners.get(topic) ?? [], message as never, (error) => this.logger.warn({ err: error, topic }, 'A listener failed'));
    return Promise.resolve();
  }

  subscribe<T>(topic: Topic<T>, listener: (message: T) => void): Promise<Unsubscribe> {
    const set = this.listeners.get(topic) ?? new Set();
    this.listeners.set(topic, set);
    set.add(listener);
    return Promise.resolve(async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic);
    });
  }

  readLog<T>(key: LogKey<T>, from: number): Promise<T[]> {
    return Promise.resolve((this.logs.get(key)?.entries.slice(from) ?? []) as T[]);
  }

  private append<T>(log: LogAppend<T>, message: T): void {
    const kept = this.logs.get(log.key) ?? { entries: [], bytes: 0 };
    this.logs.set(log.key, kept);
    kept.entries.push(message);
    const bytes = approximateBytes(message);
    kept.bytes += bytes;
    this.logBytes += bytes;
    // Oldest first (a Map keeps insertion order); the log being written stays.
    for (const [key, oldest] of this.logs) {
      if (this.logBytes <= this.maxLogBytes || oldest === kept) break;
      this.drop(key);
    }
    if (!log.renewTtl) return;
    clearTimeout(kept.expiry);
    kept.expiry = setTimeout(() => this.drop(log.key), log.ttlSeconds * 1000);
    kept.expiry.unref();
  }

  private drop(key: string): void {
    const log = this.logs.get(key);
    if (!log) return;
    clearTimeout(log.expiry);
    this.logs.delete(key);
    this.logBytes -= log.bytes;
  }
}
