import type { ChatEvent } from '#messages';
import type { GenerationEvent } from '#messages';

/** Chat events as sockets receive them (documented in the README's socket section). */
export function toSocketEvent(event: ChatEvent | GenerationEvent): { name: string; payload: object } | undefined {
  switch (event.type) {
    case 'created':
      return {
        name: 'message_created',
        payload: { chat_id: event.chat_id, user_message: event.user_message, assistant_message: event.assistant_message },
      };
    case 'token':
      return {
        name: 'message_token',
        payload: { chat_id: event.chat_id, message_id: event.message_id, seq: event.seq, delta: event.delta },
      };
    case 'done':
      return { name: 'message_done', payload: { chat_id: event.chat_id, seq: event.seq, message: event.message } };
    case 'error':
      return {
        name: 'message_error',
        payload: { chat_id: event.chat_id, message_id: event.message_id, seq: event.seq, detail: event.detail, message: event.message },
      };
    default:
      return undefined;
  }
}
