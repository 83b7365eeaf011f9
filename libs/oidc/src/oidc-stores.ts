import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from '#redis';
import { MemoryOneTimeStore, RedisOneTimeStore } from './one-time-store';
import type { OneTimeStore } from './one-time-store';

/** Sign-ins gone to the provider, by `state`: their PKCE verifier and nonce. */
export const PENDING_SIGN_INS = Symbol('PENDING_SIGN_INS');
/** Login codes the frontend exchanges for a session. */
export const LOGIN_CODES = Symbol('LOGIN_CODES');

function oneTimeStore(token: symbol, name: string): Provider {
  return {
    provide: token,
    inject: [REDIS, APP_CONFIG],
    useFactory: (redis: Redis | null, config: AppConfig): OneTimeStore =>
      redis ? new RedisOneTimeStore(redis, `${config.redisKeyPrefix}oidc:${name}:`) : new MemoryOneTimeStore(),
  };
}

export const oidcStoreProviders: Provider[] = [oneTimeStore(PENDING_SIGN_INS, 'pending'), oneTimeStore(LOGIN_CODES, 'code')];
