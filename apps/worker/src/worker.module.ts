import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '#common';
import type { AppConfig } from '#config';
import { AgentsModule } from '#agents';
import { AuditModule } from '#audit';
import { ChatsModule } from '#chats';
import { JobsModule } from '#jobs';
import { DocumentsProcessingModule } from '#documents';
import { RetrievalModule } from '#retrieval';
import { SessionsModule } from '#sessions';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...infrastructureModules(config),
        JobsModule.forWorker(),
        // The feature modules whose @OnJob handlers the worker runs.
        RetrievalModule,
        DocumentsProcessingModule,
        SessionsModule,
        AuditModule,
        AgentsModule,
        ChatsModule,
      ],
    };
  }
}
