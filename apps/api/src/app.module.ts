import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppValidationPipe, HttpExceptionFilter, infrastructureModules, RateLimitModule } from '#common';
import type { AppConfig } from '#config';
import { JobsModule } from '#jobs';
import { LlmModule } from '#llm';
import { AdminAgentsModule, AgentsModule } from '#agents';
import { AuditModule } from '#audit';
import { AuthModule } from '#auth';
import { OidcModule } from '#oidc';
import { SessionsModule } from '#sessions';
import { UsageReportsModule } from '#usage';
import { AdminBootstrapModule, UserAdminModule, UsersModule } from '#users';
import { ChatsModule } from '#chats';
import { DocumentsModule } from '#documents';
import { FeedbackModule } from '#feedback';
import { GroupsModule } from '#groups';
import { HealthModule } from '#health';
import { MetricsModule } from '#health';
import { McpModule } from '#mcp';
import { MessagesModule } from '#messages';
import { SharingModule } from '#sharing';
import { ApiKeysModule } from '#api-keys';
import { OpenAiCompatModule } from '#openai-compat';
import { TransferModule } from '#transfer';
import { SocketGatewayModule } from './realtime/socket-gateway.module';
import { WarmUp } from './warm-up';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...infrastructureModules(config),
        RateLimitModule,
        JobsModule.forRoot(config),
        MetricsModule,
        // Features.
        HealthModule,
        LlmModule,
        AuthModule,
        OidcModule,
        AuditModule,
        UsersModule,
        UserAdminModule,
        AdminBootstrapModule,
        SessionsModule,
        GroupsModule,
        AgentsModule,
        AdminAgentsModule,
        // Before the chat routes: GET /chats/export must not be read as GET /chats/{id}.
        TransferModule,
        ChatsModule,
        DocumentsModule,
        McpModule,
        MessagesModule,
        FeedbackModule,
        SharingModule,
        ApiKeysModule,
        OpenAiCompatModule,
        UsageReportsModule,
        SocketGatewayModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        WarmUp,
      ],
    };
  }
}
