import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from '#redis';
import { RedisSocketSlots } from './redis-socket-slots';

/** A socket holding one of its user's slots. */
export interface SocketHolder {
  userId: number;
  socketId: string;
}

/**
 * The open sockets each user may hold (MAX_SOCKETS_PER_USER). A slot is a
 * lease its instance renews while the socket lives, so the slots of a crashed
 * instance, or of a handshake that never completed, free themselves.
 */
export interface SocketSlots {
  /** False when the user holds every slot already. */
  acquire(holder: SocketHolder): Promise<boolean>;
  release(holder: SocketHolder): Promise<void>;
  renew(holders: SocketHolder[]): Promise<void>;
}

export const SOCKET_SLOTS = Symbol('SOCKET_SLOTS');

/** Long enough to survive two missed renewals (the gateway renews every 30 s). */
export const SOCKET_LEASE_MS = 90_000;

/** Slots counted by this instance alone (no Redis: a single instance). */
export class MemorySocketSlots implements SocketSlots {
  private readonly leases = new Map<number, Map<string, number>>();

  constructor(private readonly perUser: number) {}

  acquire({ userId, socketId }: SocketHolder): Promise<boolean> {
    const now = Date.now();
    const held = this.leases.get(userId) ?? new Map<string, number>();
    for (const [id, until] of held) if (until <= now) held.delete(id);
    if (held.size >= this.perUser) return Promise.resolve(false);
    held.set(socketId, now + SOCKET_LEASE_MS);
    this.leases.set(userId, held);
    return Promise.resolve(true);
  }

  release({ userId, socketId }: SocketHolder): Promise<void> {
    const held = this.leases.get(userId);
    held?.delete(socketId);
    if (held?.size === 0) this.leases.delete(userId);
    return Promise.resolve();
  }

  renew(holders: SocketHolder[]): Promise<void> {
    const until = Date.now() + SOCKET_LEASE_MS;
    for (const { userId, socketId } of holders) this.leases.get(userId)?.set(socketId, until);
    return Promise.resolve();
  }
}

export const socketSlotsProvider: Provider = {
  provide: SOCKET_SLOTS,
  inject: [REDIS, APP_CONFIG],
  useFactory: (redis: Redis | null, config: AppConfig): SocketSlots =>
    redis
      ? new RedisSocketSlots(redis, `${config.redisKeyPrefix}sockets:`, config.limits.socketsPerUser)
      : new MemorySocketSlots(config.limits.socketsPerUser),
};
