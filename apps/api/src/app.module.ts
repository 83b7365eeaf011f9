import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppValidationPipe, HttpExceptionFilter, infrastructureModules, RateLimitModule } from '#common';
import type { AppConfig } from '#config';
import { JobsModule } from '#jobs';
import { LlmModule } from '#llm';
import { AgentsModule } from '#agents';
import { AuthModule } from '#auth';
import { SessionsModule } from '#sessions';
import { AdminBootstrapModule, UsersModule } from '#users';
import { ChatsModule } from '#chats';
import { DocumentsModule } from '#documents';
import { HealthModule } from '#health';
import { MetricsModule } from '#health';
import { MessagesModule } from '#messages';
import { SocketGatewayModule } from './realtime/socket-gateway.module';

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
        UsersModule,
        AdminBootstrapModule,
        SessionsModule,
        AgentsModule,
        ChatsModule,
        DocumentsModule,
        MessagesModule,
        SocketGatewayModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
