import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { createKeyvNonBlocking } from '@keyv/redis';
import { APP_CONFIG } from '../../config/src';
import type { AppConfig } from '../../config/src';

/**
 * cache-manager with Redis (shared by every instance) when REDIS_URL is set,
 * in memory otherwise. The Redis store is non-blocking: if Redis goes away,
 * reads miss and the app falls back to the database instead of failing.
 */
@Module({
  imports: [
    NestCacheModule.registerAsync({
      isGlobal: true,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ttl: 300_000,
        stores: config.redisUrl
          ? [createKeyvNonBlocking(config.redisUrl, { namespace: `${config.redisKeyPrefix}cache` })]
          : undefined,
      }),
    }),
  ],
})
export class CacheModule {}
