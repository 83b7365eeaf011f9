import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import { engineSid } from './engine-sid';

/**
 * In a worker of several: Engine.IO sessions get ids naming this worker (the
 * primary routes by them), and each long-polling response closes its
 * connection, so that the client's next poll comes on a new connection that
 * the primary routes by its sid rather than on one pinned to whichever worker
 * got it first.
 */
export function pinEngineSessionsToWorker(io: Server, workerIndex: number): void {
  io.engine.generateId = () => engineSid(workerIndex);
  io.engine.on('headers', (headers: Record<string, string>, request: IncomingMessage) => {
    // Never on a WebSocket upgrade: that connection stays open by design.
    if (!request.headers.upgrade) headers.Connection = 'close';
  });
}
