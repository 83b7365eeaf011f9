import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from '#redis';
import { MemorySessionCache, RedisSessionCache } from '#sessions';
import type { SessionCache } from '#sessions';
import type { ApiKeyPrincipal } from './api-key-principal';

/** What authenticating a key needs, keyed by its token hash; `expires_at` (ms since the epoch) is checked on every request. */
export interface CachedApiKey extends ApiKeyPrincipal {
  expires_at: number | null;
}

/** The sessions' cache, reused: same lifetime, same revocation (a drop reaches every instance through Redis). */
export type ApiKeyCache = SessionCache<CachedApiKey>;
export const API_KEY_CACHE = Symbol('API_KEY_CACHE');

/** Whether keys are enabled, cached the same way under one entry, so a /v1 request reads no setting from the database. */
export type ApiKeySettingCache = SessionCache<{ enabled: boolean }>;
export const API_KEY_SETTING_CACHE = Symbol('API_KEY_SETTING_CACHE');

export const apiKeyCacheProviders: Provider[] = [
  {
    provide: API_KEY_CACHE,
    inject: [REDIS, APP_CONFIG],
    useFactory: (redis: Redis | null, config: AppConfig): ApiKeyCache =>
      redis ? new RedisSessionCache<CachedApiKey>(redis, `${config.redisKeyPrefix}apikey:`) : new MemorySessionCache<CachedApiKey>(),
  },
  {
    provide: API_KEY_SETTING_CACHE,
    inject: [REDIS, APP_CONFIG],
    useFactory: (redis: Redis | null, config: AppConfig): ApiKeySettingCache =>
      redis ? new RedisSessionCache<{ enabled: boolean }>(redis, `${config.redisKeyPrefix}apikey-setting:`) : new MemorySessionCache<{ enabled: boolean }>(),
  },
];
