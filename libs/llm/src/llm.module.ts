import { Module } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from '#redis';
import type Redis from 'ioredis';
import { LlmRegistry } from './llm-registry';
import { createLlmProviders, LLM_PROVIDERS } from './llm-providers';
import { ModelCatalog } from './model-catalog';
import { ModelsController } from './models/models.controller';
import { FailoverStats } from './failover/failover-stats';
import { FailoverStreamer } from './failover/failover-streamer';
import { breakerSettings } from './failover/breaker-policy';
import { ENDPOINT_BREAKERS } from './failover/endpoint-breakers';
import type { EndpointBreakers } from './failover/endpoint-breakers';
import { MemoryBreakers } from './failover/memory-breakers';
import { RedisBreakers } from './failover/redis-breakers';

/**
 * Every configured endpoint behind LLM_PROVIDERS, the registry that routes a model to them, the
 * failover that walks a route past failing endpoints (with their breakers), the catalogue (GET /api/models).
 */
@Module({
  controllers: [ModelsController],
  providers: [
    { provide: LLM_PROVIDERS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createLlmProviders(config) },
    LlmRegistry,
    ModelCatalog,
    FailoverStats,
    FailoverStreamer,
    {
      provide: ENDPOINT_BREAKERS,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis | null, config: AppConfig): EndpointBreakers =>
        redis
          ? new RedisBreakers(redis, `${config.redisKeyPrefix}breaker:`, breakerSettings(config))
          : new MemoryBreakers(breakerSettings(config)),
    },
  ],
  exports: [LlmRegistry, ModelCatalog, LLM_PROVIDERS, FailoverStats, FailoverStreamer, ENDPOINT_BREAKERS],
})
export class LlmModule {}
