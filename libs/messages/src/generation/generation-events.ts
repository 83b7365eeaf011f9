import { Inject, Injectable } from '@nestjs/common';
import { logKey, REALTIME_BUS, topic } from '#realtime';
import type { RealtimeBus, SocketEvent, Unsubscribe } from '#realtime';
import type { ToolCallPart, ToolResultPart } from '#database';
import type { MessageResponse } from '../message.presenter';

interface EventBase {
  chat_id: number;
  message_id: number;
  /** Increases by one per token or tool event of a message (1..n), then the final event n + 1. */
  seq: number;
}

export type GenerationEvent =
  /** Tokens `first_seq`..`seq` (those that came within a few ms of each other), their text joined. */
  | (EventBase & { type: 'token'; first_seq: number; delta: string })
  /** The answer calls a tool (the part as stored with the message). */
  | (EventBase & { type: 'tool_call'; part: ToolCallPart })
  /** A tool call's result or error, as the model was given it. */
  | (EventBase & { type: 'tool_result'; part: ToolResultPart })
  | (EventBase & { type: 'done'; message: MessageResponse })
  | (EventBase & { type: 'error'; detail: string; message: MessageResponse });

/** `done` or `error`: the answer's last event. */
export const isAnswerEnd = (event: GenerationEvent) => event.type === 'done' || event.type === 'error';

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
    const renewTtl = event.type !== 'token' || event.first_seq === 1;
    return this.bus.publish(chatFeed(event.chat_id), event, { key: answerLog(event.message_id), ttlSeconds: EVENT_LOG_TTL_SECONDS, renewTtl });
  }

  /**
   * Logged events of a message with seq > afterSeq, in order. `afterSeq` is the
   * seq of an event the client received: events end on whole batches of tokens.
   */
  async history(messageId: number, afterSeq: number): Promise<GenerationEvent[]> {
    // An entry holds one or more tokens, so where seq n sits is not known: read the (short) log whole.
    const logged = await this.bus.readLog(answerLog(messageId), 0);
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
      return { name: 'message_token', payload: { chat_id, message_id, first_seq: event.first_seq, seq, delta: event.delta } };
    case 'tool_call':
      return { name: 'message_tool_call', payload: { chat_id, message_id, seq, ...event.part } };
    case 'tool_result':
      return { name: 'message_tool_result', payload: { chat_id, message_id, seq, ...event.part } };
    case 'done':
      return { name: 'message_done', payload: { chat_id, seq, message: event.message } };
    case 'error':
      return { name: 'message_error', payload: { chat_id, message_id, seq, detail: event.detail, message: event.message } };
  }
}
