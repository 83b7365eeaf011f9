import { DynamicModule, Module } from '@nestjs/common';
import { loggerModule } from '#common';
import { AppConfig, ConfigModule } from '#config';
import { DatabaseModule } from '#database';
import { AgentsModule } from '#agents';
import { ChatsModule } from '#chats';
import { JobsModule } from '#jobs';
import { DocumentsProcessingModule } from '#documents';
import { CacheModule, RedisModule } from '#redis';
import { RetrievalModule } from '#retrieval';
import { SessionsModule } from '#sessions';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config),
        DatabaseModule,
        RedisModule,
        CacheModule,
        JobsModule.forWorker(),
        // The feature modules whose @OnJob handlers the worker runs.
        RetrievalModule,
        DocumentsProcessingModule,
        SessionsModule,
        AgentsModule,
        ChatsModule,
      ],
    };
  }
}
