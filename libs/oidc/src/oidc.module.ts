import { Module } from '@nestjs/common';
import { ApiKeysModule } from '#api-keys';
import { AuditModule } from '#audit';
import { AuthModule } from '#auth';
import { GroupsModule } from '#groups';
import { SessionsModule } from '#sessions';
import { UsersModule } from '#users';
import { LogoutTokens } from './logout-tokens';
import { OidcAccounts } from './oidc-accounts';
import { OidcClient } from './oidc-client';
import { OidcController } from './oidc.controller';
import { OidcService } from './oidc.service';
import { oidcStoreProviders } from './oidc-stores';

/** Single sign-on with an OpenID Connect provider, and GET /api/auth/providers (how one signs in here). */
@Module({
  imports: [AuditModule, AuthModule, UsersModule, SessionsModule, GroupsModule, ApiKeysModule],
  controllers: [OidcController],
  providers: [OidcClient, OidcAccounts, OidcService, LogoutTokens, ...oidcStoreProviders],
})
export class OidcModule {}
