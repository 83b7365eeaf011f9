import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { Keyv } from 'keyv';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from './redis.module';
import { RedisCacheStore } from './redis-cache-store';
import { BoundedKeyvStore } from './bounded/bounded-keyv-store';

// Without Redis: the catalogues and memberships of one instance, least recently used evicted past this.
const MEMORY_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * cache-manager with Redis (shared by every instance) when REDIS_URL is set,
 * in memory (bounded) otherwise. The Redis store uses the shared client: while Redis is
 * unreachable or slow, reads miss and the app falls back to the database.
 */
@Module({
  imports: [
    NestCacheModule.registerAsync({
      isGlobal: true,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) => ({
        ttl: 300_000,
        stores: [
          new Keyv({
            store: redis ? new RedisCacheStore(redis, `${config.redisKeyPrefix}cache`) : new BoundedKeyvStore(MEMORY_CACHE_BYTES),
            useKeyPrefix: false,
          }),
        ],
      }),
    }),
  ],
})
export class CacheModule {}
