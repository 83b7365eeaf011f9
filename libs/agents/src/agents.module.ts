import { Module } from '@nestjs/common';
import { DocumentStorageModule } from '#documents';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { MemoryLearningJob } from './memories/memory-learning.job';

// Repositories come from the global DatabaseModule, the cache from the global CacheModule.
@Module({
  imports: [DocumentStorageModule, LlmModule, RetrievalModule],
  controllers: [AgentsController],
  providers: [AgentsService, MemoryLearningJob],
  exports: [AgentsService],
})
export class AgentsModule {}
