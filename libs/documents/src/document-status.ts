import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import type { DocumentStatus } from '#database';

export interface DocumentStatusEvent {
  id: number;
  status: DocumentStatus;
  /** 0..1 while processing. */
  progress: number;
  error?: string | null;
}

/** Sends `document_status` to the uploader's sockets (room `user_{id}`). */
export interface DocumentStatusPublisher {
  publish(userId: number, event: DocumentStatusEvent): void;
}

export const DOCUMENT_STATUS = Symbol('DOCUMENT_STATUS');

/** One instance: the socket gateway listens here. */
export class LocalDocumentStatus implements DocumentStatusPublisher {
  private readonly listeners: ((userId: number, event: DocumentStatusEvent) => void)[] = [];

  listen(listener: (userId: number, event: DocumentStatusEvent) => void): void {
    this.listeners.push(listener);
  }

  publish(userId: number, event: DocumentStatusEvent): void {
    for (const listener of this.listeners) listener(userId, event);
  }
}

/**
 * With Redis, through the Socket.IO Redis adapter's channel: reaches the
 * uploader's sockets on any API instance, even from the worker process.
 */
export class RedisDocumentStatus implements DocumentStatusPublisher {
  private readonly emitter: Emitter;

  constructor(redis: Redis, keyPrefix: string) {
    this.emitter = new Emitter(redis, { key: `${keyPrefix}socket.io` });
  }

  publish(userId: number, event: DocumentStatusEvent): void {
    this.emitter.to(`user_${userId}`).emit('document_status', event);
  }
}
