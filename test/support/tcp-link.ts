import { createConnection, createServer, Server, Socket } from 'node:net';
import { freePort } from './free-port';

/**
 * A TCP hop in front of a server, which a test cuts and restores: from the
 * app's side the server goes away and comes back with all its data, as after
 * a network cut or a restart of a Redis that persists.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async open(targetPort: number): Promise<TcpLink> {
    const link = new TcpLink(await freePort(), targetPort);
    await link.restore();
    return link;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Accepts connections again, on the same port, and carries bytes again after stall(). */
  restore(): Promise<void> {
    for (const socket of this.sockets) socket.resume();
    if (this.server) return Promise.resolve();
    const server = createServer((client) => {
      const upstream = createConnection(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined); // a cut resets both ends
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Stops carrying bytes on the open connections, which stay open: a network (or server) that hangs, until restore(). */
  stall(): void {
    for (const socket of this.sockets) socket.pause();
  }

  /** Drops every connection and refuses new ones until restore(). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
