import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '#config';
import { pinEngineSessionsToWorker } from '../cluster/engine-sessions';
import type { CorsOriginCallback } from '../cors';
import { shapeCheckingParser } from './socket-packet-parser';

export const SOCKET_PATH = '/ws/socket.io';

/**
 * Socket.IO at the seed's path, with the HTTP API's CORS rule (corsOrigin). Client packets
 * get the HTTP bodies' limits: size (MAX_JSON_BODY_KB) and shape, checked
 * before parsing. No Socket.IO adapter: what reaches sockets on several
 * instances goes through the realtime bus (#realtime), which each instance
 * relays to its own sockets (SocketRelay). In a worker of several
 * (WEB_CONCURRENCY), Engine.IO sessions are pinned to their worker.
 */
export class SocketIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly corsOrigin: CorsOriginCallback,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: this.config.limits.requestBodyBytes,
      parser: shapeCheckingParser(this.config.limits.bodyShape),
      cors: { origin: this.corsOrigin, credentials: true },
    }) as Server;
    if (this.config.workerIndex !== undefined) pinEngineSessionsToWorker(server, this.config.workerIndex);
    return server;
  }
}
