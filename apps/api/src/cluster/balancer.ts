import * as net from 'node:net';
import type { ConnectionMessage } from './cluster-protocol';
import { requestLineReady, requestTarget, sessionWorker } from './request-routing';
import type { WorkerPool } from './worker-pool';

/** A client that connects and says nothing is dropped after this (as Node's own headersTimeout would). */
const FIRST_REQUEST_TIMEOUT_MS = 60_000;
/** Connections held while no worker is ready (at boot, or all restarting at once). */
const MAX_WAITING = 1024;

/**
 * pause() only stops the stream from emitting: libuv goes on reading into the
 * handle, and once the handle is sent to a worker whatever the primary still
 * reads is dropped. So reading stops at the handle before the hand-off.
 */
function stopReading(socket: net.Socket): void {
  socket.pause();
  (socket as unknown as { _handle?: { readStop?: () => number } })._handle?.readStop?.();
}

/**
 * The primary's side of the shared port: it reads the start of each new
 * connection's first request, then hands the connection itself (its file
 * descriptor, with the bytes read so far) to a worker: the worker holding
 * the Engine.IO session the request names, or the next worker in turn.
 * After that the primary never sees the connection's bytes again.
 */
export class Balancer {
  readonly server = net.createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  private readonly waiting: { socket: net.Socket; head: Buffer; preferred?: number }[] = [];

  constructor(
    private readonly pool: WorkerPool,
    private readonly socketPath: string,
  ) {}

  /** Hands the connections held while no worker was ready to those now ready. */
  flush(): void {
    for (const held of this.waiting.splice(0)) {
      if (!held.socket.destroyed) this.dispatch(held.socket, held.head, held.preferred);
    }
  }

  /** Stops accepting and drops the connections still waiting for a worker. */
  close(): void {
    this.server.close();
    for (const held of this.waiting.splice(0)) held.socket.destroy();
  }

  private accept(socket: net.Socket): void {
    const chunks: Buffer[] = [];
    socket.setTimeout(FIRST_REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
      if (!requestLineReady(head)) return;
      socket.off('data', onData);
      stopReading(socket);
      const target = requestTarget(head);
      this.dispatch(socket, head, target === undefined ? undefined : sessionWorker(target, this.socketPath));
    };
    socket.on('data', onData);
    // Accepted paused (pauseOnConnect): a 'data' listener alone does not start the reading.
    socket.resume();
  }

  private dispatch(socket: net.Socket, head: Buffer, preferred?: number): void {
    const worker = this.pool.pick(preferred);
    if (!worker) {
      if (this.waiting.length >= MAX_WAITING) socket.destroy();
      else this.waiting.push({ socket, head, preferred });
      return;
    }
    const message: ConnectionMessage = { type: 'foyergpt:connection', head: head.toString('base64') };
    worker.send(message, socket, { keepOpen: false }, (error) => {
      if (error) socket.destroy();
    });
  }
}
