import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { Keyv } from 'keyv';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from './redis.module';
import { RedisCacheStore } from './redis-cache-store';

/**
 * cache-manager with Redis (shared by every instance) when REDIS_URL is set,
 * in memory otherwise. The Redis store uses the shared client: while Redis is
 * unreachable or slow, reads miss and the app falls back to the database.
 */
@Module({
  imports: [
    NestCacheModule.registerAsync({
      isGlobal: true,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) => ({
        ttl: 300_000,
        stores: redis
          ? [new Keyv({ store: new RedisCacheStore(redis, `${config.redisKeyPrefix}cache`), useKeyPrefix: false })]
          : undefined,
      }),
    }),
  ],
})
export class CacheModule {}
