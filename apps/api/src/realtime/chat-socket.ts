import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { AuthUser } from '#auth';
import type { ClientToServerEvents, ServerToClientEvents } from '#realtime';

/** What a socket carries once admitted: its user, its typing throttle, its session-end timer. */
export interface SocketData {
  user: AuthUser;
  typingSentAt: Map<number, { at: number; isTyping: boolean }>;
  expiry?: NodeJS.Timeout;
}

/** A socket and the server with every event's payload typed (#realtime's event maps). */
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
