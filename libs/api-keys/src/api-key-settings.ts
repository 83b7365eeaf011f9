import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';
import { AppSettingsRepository } from '#database';
import { API_KEY_SETTING_CACHE } from './api-key-cache';
import type { ApiKeySettingCache } from './api-key-cache';

const ENABLED_KEY = 'api_keys.enabled';

/** The admins' switch for personal API keys (on by default): off, no key is made and none is accepted. */
@Injectable()
export class ApiKeySettings {
  constructor(
    private readonly settings: AppSettingsRepository,
    @Inject(API_KEY_SETTING_CACHE) private readonly cache: ApiKeySettingCache,
    private readonly audit: AuditLog,
  ) {}

  async enabled(): Promise<boolean> {
    const lookup = await this.cache.lookup(ENABLED_KEY);
    if (lookup.entry) return lookup.entry.enabled;
    const enabled = (await this.settings.get(ENABLED_KEY)) !== false;
    await lookup.fill?.({ enabled });
    return enabled;
  }

  /** Takes effect at once on every instance (the cached value is dropped). Audited. */
  async setEnabled(admin: AuthUser, enabled: boolean): Promise<{ enabled: boolean }> {
    await this.settings.set(ENABLED_KEY, enabled, admin.id);
    await this.cache.drop([ENABLED_KEY]);
    await this.audit.record({ action: 'apikey.settings', actor: admin, details: { enabled } });
    return { enabled };
  }
}
