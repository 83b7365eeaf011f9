import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { apiKeyCacheProviders } from './api-key-cache';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeySettings } from './api-key-settings';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

// Repositories come from the global DatabaseModule, Redis and the config from their global modules.
@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController, AdminApiKeysController],
  providers: [ApiKeysService, ApiKeySettings, ApiKeyAuthenticator, ApiKeyGuard, ...apiKeyCacheProviders],
  exports: [ApiKeysService, ApiKeyAuthenticator, ApiKeyGuard],
})
export class ApiKeysModule {}
