import { DynamicModule, Module } from '@nestjs/common';
import { loggerModule } from '../../../libs/common/src';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { DatabaseModule } from '../../../libs/database/src';
import { BullJobWorker, JobHandlersModule } from '../../../libs/jobs/src';
import { LlmModule } from '../../../libs/llm/src';
import { DocumentsProcessingModule } from '../../../libs/documents/src';
import { RedisModule } from '../../../libs/redis/src';
import { RetrievalModule } from '../../../libs/retrieval/src';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), loggerModule(config), DatabaseModule, RedisModule, LlmModule, RetrievalModule, DocumentsProcessingModule, JobHandlersModule],
      providers: [BullJobWorker],
    };
  }
}
