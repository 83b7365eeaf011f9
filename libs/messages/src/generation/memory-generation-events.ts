import { EventEmitter } from 'node:events';
import { EVENT_LOG_TTL_SECONDS, GenerationEvent, GenerationEvents, Unsubscribe } from './generation-events';

/** One instance, no Redis: logs and feeds live in this process. */
export class MemoryGenerationEvents implements GenerationEvents {
  private readonly logs = new Map<number, GenerationEvent[]>();
  private readonly feeds = new EventEmitter().setMaxListeners(0);
  private readonly stops = new EventEmitter().setMaxListeners(0);

  async publish(event: GenerationEvent): Promise<void> {
    let log = this.logs.get(event.message_id);
    if (!log) {
      log = [];
      this.logs.set(event.message_id, log);
    }
    log.push(event);
    if (event.type !== 'token') {
      setTimeout(() => this.logs.delete(event.message_id), EVENT_LOG_TTL_SECONDS * 1000).unref();
    }
    this.feeds.emit(String(event.chat_id), event);
  }

  async history(messageId: number, afterSeq: number): Promise<GenerationEvent[]> {
    return (this.logs.get(messageId) ?? []).filter((event) => event.seq > afterSeq);
  }

  async subscribe(chatId: number, listener: (event: GenerationEvent) => void): Promise<Unsubscribe> {
    this.feeds.on(String(chatId), listener);
    return async () => void this.feeds.off(String(chatId), listener);
  }

  async requestStop(messageId: number): Promise<void> {
    this.stops.emit('stop', messageId);
  }

  async onStopRequest(listener: (messageId: number) => void): Promise<void> {
    this.stops.on('stop', listener);
  }
}
