import { Inject, Injectable } from '@nestjs/common';
import { logKey, REALTIME_BUS, topic } from '#realtime';
import type { RealtimeBus, SocketEvent, Unsubscribe } from '#realtime';
import type { MessageResponse } from '../message.presenter';

interface EventBase {
  chat_id: number;
  message_id: number;
  /** Increases by one per event of a message: tokens 1..n, then the final event. */
  seq: number;
}

export type GenerationEvent =
  | (EventBase & { type: 'token'; delta: string })
  | (EventBase & { type: 'done'; message: MessageResponse })
  | (EventBase & { type: 'error'; detail: string; message: MessageResponse });

/** Logs outlive the answer a while, so a client reconnecting just after the end still gets `done`. */
export const EVENT_LOG_TTL_SECONDS = 3600;

// Names kept from before the realtime bus, so instances of either version follow each other's answers.
const chatFeed = (chatId: number) => topic<GenerationEvent>(`gen:chat:${chatId}`);
const answerLog = (messageId: number) => logKey<GenerationEvent>(`gen:log:${messageId}`);
const STOP_REQUESTS = topic<number>('gen:stop');

/**
 * Answers on the realtime bus: each chat's live feed (SSE readers and the
 * socket rooms follow it), each answer's log (replay and resume, on any
 * instance) and the stop requests, so any instance can serve, resume or stop any answer.
 */
@Injectable()
export class GenerationEvents {
  constructor(@Inject(REALTIME_BUS) private readonly bus: RealtimeBus) {}

  publish(event: GenerationEvent): Promise<void> {
    // The log's time to live is set when it starts and again when it ends, not on every token.
    const renewTtl = event.seq === 1 || event.type !== 'token';
    return this.bus.publish(chatFeed(event.chat_id), event, { key: answerLog(event.message_id), ttlSeconds: EVENT_LOG_TTL_SECONDS, renewTtl });
  }

  /** Logged events of a message with seq > afterSeq, in order. */
  async history(messageId: number, afterSeq: number): Promise<GenerationEvent[]> {
    // Events are logged in seq order from 1, so seq n sits at index n - 1.
    const logged = await this.bus.readLog(answerLog(messageId), afterSeq);
    return logged.filter((event) => event.seq > afterSeq);
  }

  subscribe(chatId: number, listener: (event: GenerationEvent) => void): Promise<Unsubscribe> {
    return this.bus.subscribe(chatFeed(chatId), listener);
  }

  requestStop(messageId: number): Promise<void> {
    return this.bus.publish(STOP_REQUESTS, messageId);
  }

  async onStopRequest(listener: (messageId: number) => void): Promise<void> {
    await this.bus.subscribe(STOP_REQUESTS, listener);
  }
}

/** An answer event as sockets receive it (README "Realtime"). */
export function socketEventOf(event: GenerationEvent): SocketEvent {
  const { chat_id, message_id, seq } = event;
  switch (event.type) {
    case 'token':
      return { name: 'message_token', payload: { chat_id, message_id, seq, delta: event.delta } };
    case 'done':
      return { name: 'message_done', payload: { chat_id, seq, message: event.message } };
    case 'error':
      return { name: 'message_error', payload: { chat_id, message_id, seq, detail: event.detail, message: event.message } };
  }
}
