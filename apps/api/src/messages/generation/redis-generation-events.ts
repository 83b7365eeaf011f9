import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { EVENT_LOG_TTL_SECONDS, GenerationEvent, GenerationEvents, Unsubscribe } from './generation-events';

/**
 * Redis: each message's events in a list (replay, resume on any instance) and
 * published on the chat's channel (live). One subscriber connection per
 * instance serves every listener.
 */
export class RedisGenerationEvents implements GenerationEvents {
  private readonly logger = new Logger('RedisGenerationEvents');
  private readonly listeners = new Map<string, Set<(event: GenerationEvent) => void>>();
  private readonly stopListeners: ((messageId: number) => void)[] = [];
  private readonly stopChannel: string;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    this.stopChannel = `${prefix}gen:stop`;
    subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
  }

  async publish(event: GenerationEvent): Promise<void> {
    const payload = JSON.stringify(event);
    const log = this.logKey(event.message_id);
    await this.redis
      .multi()
      .rpush(log, payload)
      .expire(log, EVENT_LOG_TTL_SECONDS)
      .publish(this.chatChannel(event.chat_id), payload)
      .exec();
  }

  async history(messageId: number, afterSeq: number): Promise<GenerationEvent[]> {
    // Events are pushed in seq order starting at 1, so seq n sits at index n - 1.
    const payloads = await this.redis.lrange(this.logKey(messageId), Math.max(0, afterSeq), -1);
    return payloads.map((payload) => JSON.parse(payload) as GenerationEvent).filter((event) => event.seq > afterSeq);
  }

  async subscribe(chatId: number, listener: (event: GenerationEvent) => void): Promise<Unsubscribe> {
    const channel = this.chatChannel(chatId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
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
      const listeners = this.listeners.get(channel);
      if (!listeners) return;
      const event = JSON.parse(payload) as GenerationEvent;
      for (const listener of listeners) listener(event);
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'Dropped an unreadable generation event');
    }
  }

  private logKey(messageId: number): string {
    return `${this.prefix}gen:log:${messageId}`;
  }

  private chatChannel(chatId: number): string {
    return `${this.prefix}gen:chat:${chatId}`;
  }
}
