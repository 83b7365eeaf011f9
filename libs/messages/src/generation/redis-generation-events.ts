import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { EVENT_LOG_TTL_SECONDS, GenerationEvent, GenerationEvents, Unsubscribe } from './generation-events';

interface Pending {
  event: GenerationEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Redis: each message's events in a list (replay, resume on any instance) and
 * published on the chat's channel (live), as a JSON array of events tagged
 * with the publishing instance. One subscriber connection per instance serves
 * every listener. Listeners on the publishing instance get each event at
 * once, in process; the channel serves the other instances.
 */
export class RedisGenerationEvents implements GenerationEvents {
  private readonly logger = new Logger('RedisGenerationEvents');
  private readonly listeners = new Map<string, Set<(event: GenerationEvent) => void>>();
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly stopListeners: ((messageId: number) => void)[] = [];
  private readonly stopChannel: string;
  private readonly origin = `${randomBytes(6).toString('hex')}:`;
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    this.stopChannel = `${prefix}gen:stop`;
    subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
  }

  /**
   * Queued and written in batches: while one batch is in flight, the next one
   * fills. Each event still has its own log entry and reaches listeners as
   * itself, but hundreds of concurrent answers share each Redis round trip
   * instead of paying one per token.
   */
  publish(event: GenerationEvent): Promise<void> {
    this.deliver(this.chatChannel(event.chat_id), [event]);
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async history(messageId: number, afterSeq: number): Promise<GenerationEvent[]> {
    // Still queued here, so pushed after this read: taken from the queue.
    const queued = this.queue.map(({ event }) => event).filter((event) => event.message_id === messageId);
    // Events are pushed in seq order starting at 1, so seq n sits at index n - 1.
    const payloads = await this.redis.lrange(this.logKey(messageId), Math.max(0, afterSeq), -1);
    const logged = payloads.map((payload) => JSON.parse(payload) as GenerationEvent);
    return [...logged, ...queued].filter((event) => event.seq > afterSeq);
  }

  async subscribe(chatId: number, listener: (event: GenerationEvent) => void): Promise<Unsubscribe> {
    const channel = this.chatChannel(chatId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.subscriber.subscribe(channel).then(() => undefined));
    }
    set.add(listener);
    // Every caller, not only the first, returns once the channel is live.
    await this.subscribed.get(channel);
    return async () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        this.subscribed.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async requestStop(messageId: number): Promise<void> {
    await this.redis.publish(this.stopChannel, String(messageId));
  }

  async onStopRequest(listener: (messageId: number) => void): Promise<void> {
    if (this.stopListeners.length === 0) await this.subscriber.subscribe(this.stopChannel);
    this.stopListeners.push(listener);
  }

  private dispatch(channel: string, payload: string): void {
    try {
      if (channel === this.stopChannel) {
        for (const listener of this.stopListeners) listener(Number(payload));
        return;
      }
      // Our own events reached our listeners when published.
      if (payload.startsWith(this.origin)) return;
      if (!this.listeners.has(channel)) return;
      this.deliver(channel, JSON.parse(payload.slice(payload.indexOf(':') + 1)) as GenerationEvent[]);
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'Dropped an unreadable generation event');
    }
  }

  private deliver(channel: string, events: GenerationEvent[]): void {
    const listeners = this.listeners.get(channel);
    if (!listeners) return;
    for (const event of events) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.warn({ err: error, channel }, 'A generation event listener failed');
        }
      }
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const logs = new Map<string, string[]>();
      const channels = new Map<string, string[]>();
      const expiring = new Set<string>();
      for (const { event } of batch) {
        const payload = JSON.stringify(event);
        const log = this.logKey(event.message_id);
        append(logs, log, payload);
        append(channels, this.chatChannel(event.chat_id), payload);
        // The TTL is set when a log starts and again when it ends, not on every token.
        if (event.seq === 1 || event.type !== 'token') expiring.add(log);
      }
      // A pipeline, not MULTI: one connection keeps the order, and nothing
      // needs all-or-nothing; it halves the commands per batch.
      const pipeline = this.redis.pipeline();
      for (const [key, payloads] of logs) {
        pipeline.rpush(key, ...payloads);
        if (expiring.has(key)) pipeline.expire(key, EVENT_LOG_TTL_SECONDS);
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

  private logKey(messageId: number): string {
    return `${this.prefix}gen:log:${messageId}`;
  }

  private chatChannel(chatId: number): string {
    return `${this.prefix}gen:chat:${chatId}`;
  }
}

function append(groups: Map<string, string[]>, key: string, value: string): void {
  const group = groups.get(key);
  if (group) group.push(value);
  else groups.set(key, [value]);
}
