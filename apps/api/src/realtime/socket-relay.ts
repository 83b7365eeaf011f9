import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { GenerationEvents, socketEventOf } from '#messages';
import { emitSocketEvent, RealtimePublisher, rooms } from '#realtime';
import type { RoomMessage } from '#realtime';
import { ChatFeeds } from './chat-feeds';
import type { ChatServer } from './chat-socket';

const ROOMS_RETRY_MS = 1000;

/**
 * Hands this instance's sockets what is published for them: room messages
 * (RealtimePublisher, from any process), and the answers of every chat whose
 * room has members here (the chat's feed, followed while the room lives).
 */
@Injectable()
export class SocketRelay implements OnApplicationShutdown {
  private readonly logger = new Logger('SocketRelay');
  private feeds?: ChatFeeds;
  private stopped = false;

  constructor(
    private readonly publisher: RealtimePublisher,
    private readonly events: GenerationEvents,
  ) {}

  attach(server: ChatServer): void {
    this.followRooms(server);
    const feeds = new ChatFeeds(this.events, (event) => emitSocketEvent(server.local.to(rooms.chat(event.chat_id)), socketEventOf(event)));
    this.feeds = feeds;
    server.sockets.adapter.on('create-room', (room: string) => {
      const chatId = rooms.chatOf(room);
      if (chatId !== undefined) feeds.start(chatId);
    });
    server.sockets.adapter.on('delete-room', (room: string) => {
      const chatId = rooms.chatOf(room);
      if (chatId !== undefined) feeds.stop(chatId);
    });
  }

  /** Resolves once the chat's answers reach its room here, so a join acknowledged misses no token. */
  async ready(chatId: number): Promise<void> {
    await this.feeds?.ready(chatId);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private followRooms(server: ChatServer): void {
    this.publisher.onRoomMessage((message) => this.toLocalSockets(server, message)).catch((error: unknown) => {
      if (this.stopped) return;
      this.logger.error({ err: error }, 'Could not follow room messages; trying again');
      setTimeout(() => this.followRooms(server), ROOMS_RETRY_MS).unref();
    });
  }

  private toLocalSockets(server: ChatServer, message: RoomMessage): void {
    const room = server.local.to(message.room);
    if ('disconnect' in message) room.disconnectSockets(true);
    else emitSocketEvent(message.except ? room.except(message.except) : room, message.event);
  }
}
