import { Logger } from '@nestjs/common';
import type { GenerationEvent, GenerationEvents } from '#messages';
import type { Unsubscribe } from '#realtime';

/**
 * One subscription to a chat's answer feed per chat room that has members on
 * this instance, opened with the room and closed with it. Each instance thus
 * relays answers to its own sockets only: a token crosses Redis once per
 * instance following the chat, not to every instance.
 */
export class ChatFeeds {
  private readonly logger = new Logger('ChatFeeds');
  private readonly open = new Map<number, Promise<Unsubscribe | undefined>>();

  constructor(
    private readonly events: GenerationEvents,
    private readonly deliver: (event: GenerationEvent) => void,
  ) {}

  /** When a chat room gets its first member here. */
  start(chatId: number): void {
    if (this.open.has(chatId)) return;
    // A closure of its own: a late unsubscribe of an earlier subscription must not remove this one.
    const subscription = this.events.subscribe(chatId, (event) => this.deliver(event)).catch((error: unknown) => {
      this.logger.warn({ err: error, chat_id: chatId }, 'Could not follow a chat: its answers will not reach sockets here');
      this.open.delete(chatId);
      return undefined;
    });
    this.open.set(chatId, subscription);
  }

  /** When the room's last member here has left. */
  stop(chatId: number): void {
    const subscription = this.open.get(chatId);
    this.open.delete(chatId);
    subscription
      ?.then((unsubscribe) => unsubscribe?.())
      .catch((error: unknown) => this.logger.warn({ err: error, chat_id: chatId }, 'Could not stop following a chat'));
  }

  /** Resolves once the chat's feed is live, so a join acknowledged means no token is missed. */
  async ready(chatId: number): Promise<void> {
    await this.open.get(chatId);
  }
}
