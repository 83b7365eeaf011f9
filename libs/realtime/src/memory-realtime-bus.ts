import { Logger } from '@nestjs/common';
import { deliver } from './realtime-bus';
import type { LogAppend, LogKey, RealtimeBus, Topic, Unsubscribe } from './realtime-bus';

/** One process, no Redis: topics and logs live here. */
export class MemoryRealtimeBus implements RealtimeBus {
  private readonly logger = new Logger('RealtimeBus');
  private readonly listeners = new Map<string, Set<(message: never) => void>>();
  private readonly logs = new Map<string, { entries: unknown[]; expiry?: NodeJS.Timeout }>();

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
    const kept = this.logs.get(log.key) ?? { entries: [] };
    this.logs.set(log.key, kept);
    kept.entries.push(message);
    if (!log.renewTtl) return;
    clearTimeout(kept.expiry);
    kept.expiry = setTimeout(() => this.logs.delete(log.key), log.ttlSeconds * 1000);
    kept.expiry.unref();
  }
}
