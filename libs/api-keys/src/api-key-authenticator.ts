import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, UnauthorizedError } from '#common';
import { ApiKeysRepository } from '#database';
import { API_KEY_CACHE } from './api-key-cache';
import type { ApiKeyCache, CachedApiKey } from './api-key-cache';
import type { ApiKeyPrincipal } from './api-key-principal';
import { ApiKeySettings } from './api-key-settings';
import { hashApiKeyToken, isWellFormedApiKey } from './api-key-token';

export const INVALID_API_KEY = 'Invalid or revoked API key';
export const EXPIRED_API_KEY = 'This API key expired';
export const API_KEYS_DISABLED = 'API keys are disabled by an administrator';

/**
 * Tells who an API key acts for. Served from the cache (Redis when configured),
 * keyed by the token's hash, so a request is not a database query; a miss reads
 * the key with its user. A revoked key's entry is dropped at revocation, and
 * the expiry is checked on every request, so neither works a moment longer.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(API_KEY_CACHE) private readonly cache: ApiKeyCache,
    private readonly settings: ApiKeySettings,
  ) {}

  /** The key's principal; UnauthorizedError for a missing, unknown, revoked or expired key, ForbiddenError while keys are disabled. */
  async authenticate(token: string | undefined): Promise<ApiKeyPrincipal> {
    if (!token) throw new UnauthorizedError('An API key is required: send `Authorization: Bearer fgk_…`');
    if (!isWellFormedApiKey(token)) throw new UnauthorizedError(INVALID_API_KEY);
    const tokenHash = hashApiKeyToken(token);
    const lookup = await this.cache.lookup(tokenHash);
    let entry = lookup.entry;
    if (!entry) {
      entry = (await this.loadLive(tokenHash)) ?? undefined;
      if (!entry) throw new UnauthorizedError(INVALID_API_KEY);
      await lookup.fill?.(entry);
    }
    if (entry.expires_at !== null && entry.expires_at <= Date.now()) throw new UnauthorizedError(EXPIRED_API_KEY);
    if (!(await this.settings.enabled())) throw new ForbiddenError(API_KEYS_DISABLED);
    return { user: entry.user, key: entry.key };
  }

  /** The key if unrevoked and its user active (an expired key is returned: the caller says it expired). */
  private async loadLive(tokenHash: string): Promise<CachedApiKey | null> {
    const key = await this.keys.findByHashWithUser(tokenHash);
    const user = key?.user;
    if (!key || key.revoked_at || !user || !user.is_active) return null;
    const expiresAt = key.expires_at?.getTime() ?? null;
    if (expiresAt === null || expiresAt > Date.now()) await this.keys.touch(key.id);
    return {
      user: { id: user.id, email: user.email, trigramme: user.trigramme, is_admin: user.is_admin },
      key: { id: key.id, name: key.name, agent_ids: key.agent_ids, access: key.access },
      expires_at: expiresAt,
    };
  }
}
