import type Redis from 'ioredis';
import { SOCKET_LEASE_MS } from './socket-slots';
import type { SocketHolder, SocketSlots } from './socket-slots';

// One sorted set per user: socket id -> lease end. Expired leases go, then the count decides, atomically.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** Slots shared by every instance through Redis, so the cap holds however sockets spread. */
export class RedisSocketSlots implements SocketSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perUser: number,
  ) {}

  async acquire({ userId, socketId }: SocketHolder): Promise<boolean> {
    const now = Date.now();
    const granted = await this.redis.eval(ACQUIRE, 1, this.key(userId), now, now + SOCKET_LEASE_MS, this.perUser, socketId, SOCKET_LEASE_MS);
    return granted === 1;
  }

  async release({ userId, socketId }: SocketHolder): Promise<void> {
    await this.redis.zrem(this.key(userId), socketId);
  }

  async renew(holders: SocketHolder[]): Promise<void> {
    if (holders.length === 0) return;
    const until = Date.now() + SOCKET_LEASE_MS;
    const pipeline = this.redis.pipeline();
    for (const { userId, socketId } of holders) {
      pipeline.zadd(this.key(userId), 'XX', until, socketId);
      pipeline.pexpire(this.key(userId), SOCKET_LEASE_MS);
    }
    const failed = (await pipeline.exec())?.find(([error]) => error)?.[0];
    if (failed) throw failed;
  }

  private key(userId: number): string {
    return `${this.prefix}${userId}`;
  }
}
