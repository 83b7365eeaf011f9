import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppValidationPipe, HttpExceptionFilter, loggerModule, RateLimitModule } from '../../../libs/common/src';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { DatabaseModule } from '../../../libs/database/src';
import { DocumentsProcessingModule } from '../../../libs/documents/src';
import { JobsModule } from '../../../libs/jobs/src';
import { CacheModule, RedisModule } from '../../../libs/redis/src';
import { LlmModule } from '../../../libs/llm/src';
import { RetrievalModule } from '../../../libs/retrieval/src';
import { AgentsModule } from './agents/agents.module';
import { AuthModule } from './auth/auth.module';
import { ChatsModule } from './chats/chats.module';
import { DocumentsModule } from './documents/documents.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { MessagesModule } from './messages/messages.module';
import { ModelsModule } from './models/models.module';
import { RealtimeModule } from './realtime/realtime.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config),
        DatabaseModule,
        RedisModule,
        CacheModule,
        RateLimitModule,
        DocumentsProcessingModule,
        JobsModule.forRoot(config),
        HealthModule,
        MetricsModule,
        LlmModule,
        RetrievalModule,
        AuthModule,
        AgentsModule,
        ChatsModule,
        DocumentsModule,
        MessagesModule,
        ModelsModule,
        RealtimeModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
