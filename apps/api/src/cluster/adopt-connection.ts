import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Serves a connection the primary handed over, as if this worker's server had
 * accepted it. The http server attaches its 'data' handler in its connection
 * listener, so the bytes the primary already read, emitted right after, are
 * parsed first; what follows comes from the socket itself.
 */
export function adoptConnection(server: Server, socket: Socket, head: Buffer): void {
  server.emit('connection', socket);
  if (head.length > 0) socket.emit('data', head);
  socket.resume();
}
