import { Injectable, Logger } from '@nestjs/common';
import type { MessageResponse } from '../message.presenter';

/** New messages; answers themselves go through the generation feed (GenerationEvents). */
export type ChatEvent = { type: 'created'; chat_id: number; user_message?: MessageResponse; assistant_message: MessageResponse };

type Listener = (event: ChatEvent) => void;

/**
 * What happens in chats on this instance, for live fan-out (the socket
 * gateway relays it to rooms; its Redis adapter carries it to other instances).
 */
@Injectable()
export class ChatEventHub {
  private readonly logger = new Logger('ChatEventHub');
  private readonly listeners: Listener[] = [];

  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  emit(event: ChatEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn({ err: error }, 'A chat event listener failed');
      }
    }
  }
}
