import { Inject, Injectable, Logger } from '@nestjs/common';
import { REALTIME_BUS, topic } from './realtime-bus';
import type { RealtimeBus, Unsubscribe } from './realtime-bus';
import { rooms } from './rooms';
import type { Room } from './rooms';
import type { ServerEventName, ServerEvents, SocketEvent } from './socket-events';

/** What a room's sockets are told: an event (maybe not to one socket, its sender), or to disconnect. */
export type RoomMessage = { room: Room; event: SocketEvent; except?: string } | { room: Room; disconnect: true };

const ROOM_MESSAGES = topic<RoomMessage>('rt:rooms');

/** One room, as a publisher addresses it. */
export interface RoomTarget {
  emit<E extends ServerEventName>(name: E, payload: ServerEvents[E]): void;
  /** Every socket of the room except this one (a socket id: the sender). */
  except(socketId: string): Pick<RoomTarget, 'emit'>;
  disconnect(): void;
}

/**
 * Sends socket events to rooms from any process, API or worker: the sockets
 * on this instance get them at once, those on every other API instance
 * through the realtime bus (Redis). Never throws: a message Redis could not
 * carry is logged, and the local sockets have had it anyway.
 */
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger('RealtimePublisher');

  constructor(@Inject(REALTIME_BUS) private readonly bus: RealtimeBus) {}

  toUser(userId: number): RoomTarget {
    return this.to(rooms.user(userId));
  }

  toSession(sessionId: string): RoomTarget {
    return this.to(rooms.session(sessionId));
  }

  toChat(chatId: number): RoomTarget {
    return this.to(rooms.chat(chatId));
  }

  /** For the socket server of this process: every room message, from here and from every other process. */
  onRoomMessage(listener: (message: RoomMessage) => void): Promise<Unsubscribe> {
    return this.bus.subscribe(ROOM_MESSAGES, listener);
  }

  private to(room: Room, except?: string): RoomTarget {
    const emit = <E extends ServerEventName>(name: E, payload: ServerEvents[E]) =>
      this.send({ room, event: { name, payload } as SocketEvent, except });
    return { emit, except: (socketId) => this.to(room, socketId), disconnect: () => this.send({ room, disconnect: true }) };
  }

  private send(message: RoomMessage): void {
    this.bus.publish(ROOM_MESSAGES, message).catch((error: unknown) => {
      this.logger.warn({ err: error, room: message.room }, 'A room message reached only the sockets on this instance');
    });
  }
}
