import type { Message } from '#database';
import { presentMessage } from '../message.presenter';
import type { GenerationEvent } from './generation-events';

/** An ended answer's last event: `done`, or `error` saying why when it failed or was interrupted. */
export function finalEvent(message: Message, seq: number): GenerationEvent {
  const base = { chat_id: message.chat_id, message_id: message.id, seq, message: presentMessage(message) };
  return message.status === 'failed' || message.status === 'interrupted'
    ? { ...base, type: 'error', detail: message.error ?? 'The answer failed' }
    : { ...base, type: 'done' };
}

/** Why an answer ended `interrupted`, as the user reads it. */
export const ANSWER_INTERRUPTED = 'The server restarted during the answer; the text so far is kept';
