import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';
import { ForbiddenError, NotFoundError, toPage, ValidationError } from '#common';
import { AgentsRepository, ApiKeysRepository } from '#database';
import type { ApiKey } from '#database';
import { API_KEY_CACHE } from './api-key-cache';
import type { ApiKeyCache } from './api-key-cache';
import { ApiKeySettings } from './api-key-settings';
import { API_KEY_SHOWN_CHARS, hashApiKeyToken, newApiKeyToken } from './api-key-token';
import type { CreateApiKeyDto, ListAllApiKeysQuery, ListApiKeysQuery } from './dto/api-key.dto';
import { AdminApiKeyPage, ApiKeyPage, CreatedApiKeyResponse, presentAdminApiKey, presentApiKey } from './api-key.presenter';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_NOT_FOUND = 'API key not found';

/**
 * Personal API keys: made by their user (scoped to some agents, or read-only),
 * listed without their secret, revoked by their user or an admin. A revocation
 * drops the key's cached copy, so no instance accepts it a moment longer.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly agents: AgentsRepository,
    @Inject(API_KEY_CACHE) private readonly cache: ApiKeyCache,
    private readonly settings: ApiKeySettings,
    private readonly audit: AuditLog,
  ) {}

  async create(user: AuthUser, body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    if (!(await this.settings.enabled())) throw new ForbiddenError('API keys are disabled by an administrator: no key can be made');
    const expiresAt = expiryOf(body);
    if (body.agent_ids) await this.checkAgents(user, body.agent_ids);
    const token = newApiKeyToken();
    const key = await this.keys.insert({
      user_id: user.id,
      name: body.name,
      prefix: token.slice(0, API_KEY_SHOWN_CHARS),
      token_hash: hashApiKeyToken(token),
      agent_ids: body.agent_ids ?? null,
      access: body.access ?? 'chat',
      expires_at: expiresAt,
    });
    await this.audit.record({
      action: 'apikey.create',
      actor: user,
      target: { type: 'api_key', id: key.id, label: key.name },
      details: { access: key.access, agent_ids: key.agent_ids, expires_at: key.expires_at?.toISOString() ?? null },
    });
    return { ...presentApiKey(key), token };
  }

  async list(user: AuthUser, query: ListApiKeysQuery): Promise<ApiKeyPage> {
    const rows = await this.keys.listPage({ userId: user.id, limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentApiKey, (key) => key.id);
  }

  /** Another user's key is not found. Revoking twice is fine. */
  async revokeMine(user: AuthUser, id: number): Promise<void> {
    const key = await this.keys.find(id, user.id);
    if (!key) throw new NotFoundError(KEY_NOT_FOUND);
    await this.revoke(user, key);
  }

  async listAll(query: ListAllApiKeysQuery): Promise<AdminApiKeyPage> {
    const rows = await this.keys.listPage({ userId: query.user_id, limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentAdminApiKey, (key) => key.id);
  }

  async revokeAny(admin: AuthUser, id: number): Promise<void> {
    const key = await this.keys.find(id);
    if (!key) throw new NotFoundError(KEY_NOT_FOUND);
    await this.revoke(admin, key);
  }

  /** When the user is deactivated: every key of theirs is revoked and refused at once. */
  async revokeAllOf(userId: number): Promise<void> {
    await this.cache.drop(await this.keys.revokeAllOf(userId));
  }

  /** Hashes of the user's keys, read before the user is deleted (their rows go with the user), to `forget` after. */
  liveHashesOf(userId: number): Promise<string[]> {
    return this.keys.unrevokedHashes(userId);
  }

  /** Drops cached copies: after the user changed (role), or was deleted. */
  async forget(tokenHashes: string[]): Promise<void> {
    await this.cache.drop(tokenHashes);
  }

  private async revoke(actor: AuthUser, key: ApiKey): Promise<void> {
    if (key.revoked_at) return;
    await this.keys.revoke(key.id);
    await this.cache.drop([key.token_hash]);
    await this.audit.record({
      action: 'apikey.revoke',
      actor,
      target: { type: 'api_key', id: key.id, label: key.name },
      details: { owner_id: key.user_id },
    });
  }

  /** Every agent must be one the user may use; which ones are not (or do not exist) is not told. */
  private async checkAgents(user: AuthUser, agentIds: number[]): Promise<void> {
    for (const id of agentIds) {
      const agent = await this.agents.findWithOwner(id);
      if (!agent || !(await this.agents.isUsableBy(agent, user))) {
        throw new ValidationError([{ loc: ['body', 'agent_ids'], msg: 'agent_ids must name only agents you may use' }]);
      }
    }
  }
}

/** `expires_at` (in the future) or `expires_in_days`, not both; neither: the key never expires. */
function expiryOf(body: CreateApiKeyDto): Date | null {
  if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
    throw new ValidationError([{ loc: ['body'], msg: 'give expires_at or expires_in_days, not both' }]);
  }
  if (body.expires_in_days !== undefined) return new Date(Date.now() + body.expires_in_days * DAY_MS);
  if (body.expires_at === undefined) return null;
  const at = new Date(body.expires_at);
  if (!(at.getTime() > Date.now())) throw new ValidationError([{ loc: ['body', 'expires_at'], msg: 'expires_at must be in the future' }]);
  return at;
}
