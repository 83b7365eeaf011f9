import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { createRedisClient, REDIS } from '#redis';
import { MemoryRealtimeBus } from './memory-realtime-bus';
import { REALTIME_BUS } from './realtime-bus';
import type { RealtimeBus } from './realtime-bus';
import { RealtimePublisher } from './realtime-publisher';
import { RedisRealtimeBus } from './redis-realtime-bus';

/** The realtime bus (Redis when REDIS_URL is set, this process alone otherwise) and the room publisher on it. */
@Module({
  providers: [
    {
      provide: REALTIME_BUS,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis | null, config: AppConfig): RealtimeBus =>
        redis && config.redisUrl
          ? // Pub/sub needs a connection of its own.
            new RedisRealtimeBus(redis, () => createRedisClient(config.redisUrl!, 'events'), config.redisKeyPrefix)
          : new MemoryRealtimeBus(),
    },
    RealtimePublisher,
  ],
  exports: [REALTIME_BUS, RealtimePublisher],
})
export class RealtimeModule {}
