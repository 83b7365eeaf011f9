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

export type Unsubscribe = () => Promise<void>;

/**
 * Where generation events go: a per-message log (for replay and resume) and a
 * per-chat live feed, plus the stop signal. In memory for one instance; in
 * Redis when configured, so any instance can serve, resume or stop any answer.
 */
export interface GenerationEvents {
  publish(event: GenerationEvent): Promise<void>;
  /** Logged events of a message with seq > afterSeq, in order. */
  history(messageId: number, afterSeq: number): Promise<GenerationEvent[]>;
  subscribe(chatId: number, listener: (event: GenerationEvent) => void): Promise<Unsubscribe>;
  requestStop(messageId: number): Promise<void>;
  onStopRequest(listener: (messageId: number) => void): Promise<void>;
}

export const GENERATION_EVENTS = Symbol('GENERATION_EVENTS');

/** Logs outlive the answer a while, so a client reconnecting just after the end still gets `done`. */
export const EVENT_LOG_TTL_SECONDS = 3600;
