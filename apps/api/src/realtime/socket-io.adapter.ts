import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '#config';
import { closeRedis, createRedisClient } from '#redis';
import { shapeCheckingParser } from './socket-packet-parser';

export const SOCKET_PATH = '/ws/socket.io';

/**
 * Socket.IO at the seed's path, with CORS from CORS_ORIGINS, and with Redis
 * configured the Redis adapter: rooms, broadcasts and disconnects then reach
 * sockets on every instance. Client packets get the HTTP bodies' limits: size
 * (MAX_JSON_BODY_KB) and shape, checked before parsing.
 */
export class SocketIoAdapter extends IoAdapter {
  private readonly redisClients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const server: Server = super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: this.config.limits.requestBodyBytes,
      // Client packets only: the Redis adapter and emitter keep their own msgpack encoding.
      parser: shapeCheckingParser(this.config.limits.bodyShape),
      cors: { origin: origins.includes('*') ? true : origins, credentials: true },
    });
    if (this.config.redisUrl) {
      const publisher = createRedisClient(this.config.redisUrl, 'socket-pub');
      const subscriber = createRedisClient(this.config.redisUrl, 'socket-sub');
      this.redisClients.push(publisher, subscriber);
      server.adapter(createAdapter(publisher, subscriber, { key: `${this.config.redisKeyPrefix}socket.io` }));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.redisClients.map(closeRedis));
  }
}
