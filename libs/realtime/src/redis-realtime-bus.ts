import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { closeRedis } from '#redis';
import { deliver } from './realtime-bus';
import type { LogAppend, LogKey, RealtimeBus, Topic, Unsubscribe } from './realtime-bus';

// Long enough for a connection to be made and checked; past it, the subscription queues and fails as any command.
const SUBSCRIBER_READY_WAIT_MS = 5000;

interface Pending {
  channel: string;
  message: unknown;
  log?: LogAppend<unknown>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Redis pub/sub: a topic is a channel (under REDIS_KEY_PREFIX), carrying JSON
 * arrays of messages tagged with the publishing process; a log is a list.
 * Messages are queued and written in batches: while one batch is in flight,
 * the next fills, so hundreds of concurrent answers share each round trip
 * instead of paying one per token. One subscriber connection per process,
 * opened at its first subscription (a worker that only publishes opens none).
 */
export class RedisRealtimeBus implements RealtimeBus, OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeBus');
  private readonly listeners = new Map<string, Set<(message: never) => void>>();
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly origin = `${randomBytes(6).toString('hex')}:`;
  private subscriber?: Redis;
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly redis: Redis,
    private readonly connectSubscriber: () => Redis,
    private readonly prefix: string,
  ) {}

  publish<T>(topic: Topic<T>, message: T, log?: LogAppend<T>): Promise<void> {
    const channel = this.prefix + topic;
    this.deliver(channel, [message]);
    return new Promise((resolve, reject) => {
      this.queue.push({ channel, message, log, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async subscribe<T>(topic: Topic<T>, listener: (message: T) => void): Promise<Unsubscribe> {
    const channel = this.prefix + topic;
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    set.add(listener);
    const unsubscribe = () => this.remove(channel, listener);
    try {
      // Every caller, not only the first, returns once the channel is live.
      await this.channelLive(channel);
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async readLog<T>(key: LogKey<T>, from: number): Promise<T[]> {
    const list = this.prefix + key;
    // Still queued here, so appended after this read: taken from the queue.
    const queued = this.queue.filter((pending) => pending.log?.key === key).map((pending) => pending.message as T);
    const results = await this.redis.pipeline().llen(list).lrange(list, from, -1).exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    const [[, length], [, payloads]] = results as [[null, number], [null, string[]]];
    return [...payloads.map((payload) => JSON.parse(payload) as T), ...queued.slice(Math.max(0, from - length))];
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }

  private channelLive(channel: string): Promise<void> {
    let live = this.subscribed.get(channel);
    if (!live) {
      live = this.readySubscriber()
        .then((subscriber) => subscriber.subscribe(channel))
        .then(() => undefined);
      this.subscribed.set(channel, live);
      // A failed subscription is tried again by the next subscriber.
      live.catch(() => this.subscribed.get(channel) === live && this.subscribed.delete(channel));
    }
    return live;
  }

  private async remove(channel: string, listener: (message: never) => void): Promise<void> {
    const set = this.listeners.get(channel);
    set?.delete(listener);
    if (set?.size !== 0) return;
    this.listeners.delete(channel);
    this.subscribed.delete(channel);
    await this.subscriber?.unsubscribe(channel).catch(() => undefined);
  }

  /**
   * The subscriber connection, once ready: ioredis writes SUBSCRIBE at once on
   * a connection still in its handshake, whose ready check (INFO) then fails
   * and takes the queued subscriptions with it. The wait is bounded: a Redis
   * still unreachable then fails the subscription, as any queued command.
   */
  private async readySubscriber(): Promise<Redis> {
    if (!this.subscriber) {
      this.subscriber = this.connectSubscriber();
      this.subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    }
    const subscriber = this.subscriber;
    if (subscriber.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          subscriber.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, SUBSCRIBER_READY_WAIT_MS).unref();
        subscriber.once('ready', done);
      });
    }
    return subscriber;
  }

  private dispatch(channel: string, payload: string): void {
    // Our own messages reached our listeners when published.
    if (payload.startsWith(this.origin) || !this.listeners.has(channel)) return;
    try {
      this.deliver(channel, JSON.parse(payload.slice(payload.indexOf(':') + 1)) as unknown[]);
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'Dropped an unreadable message');
    }
  }

  private deliver(channel: string, messages: unknown[]): void {
    const listeners = this.listeners.get(channel);
    if (!listeners) return;
    for (const message of messages) {
      deliver(listeners, message as never, (error) => this.logger.warn({ err: error, channel }, 'A listener failed'));
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const logs = new Map<string, { payloads: string[]; ttlSeconds?: number }>();
      const channels = new Map<string, string[]>();
      for (const { channel, message, log } of batch) {
        const payload = JSON.stringify(message);
        if (log) {
          const entry = logs.get(this.prefix + log.key) ?? { payloads: [] };
          logs.set(this.prefix + log.key, entry);
          entry.payloads.push(payload);
          if (log.renewTtl) entry.ttlSeconds = log.ttlSeconds;
        }
        const published = channels.get(channel) ?? [];
        channels.set(channel, published);
        published.push(payload);
      }
      // Logs before channels, on one connection: a reader that subscribed, then
      // read the log, finds there whatever it missed live. A pipeline, not MULTI:
      // nothing needs all-or-nothing.
      const pipeline = this.redis.pipeline();
      for (const [key, { payloads, ttlSeconds }] of logs) {
        pipeline.rpush(key, ...payloads);
        if (ttlSeconds !== undefined) pipeline.expire(key, ttlSeconds);
      }
      for (const [channel, payloads] of channels) pipeline.publish(channel, `${this.origin}[${payloads.join(',')}]`);
      try {
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error)?.[0];
        if (failed) throw failed;
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.flushing = false;
  }
}
