import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { DocumentStorageModule } from '#documents';
import { GroupsModule } from '#groups';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { UsageModule } from '#usage';
import { AgentCatalogue } from './agent-catalogue';
import { AgentSharing } from './agent-sharing';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { MemoryLearningJob } from './memories/memory-learning.job';

// Repositories come from the global DatabaseModule, the cache from the global CacheModule.
@Module({
  imports: [DocumentStorageModule, LlmModule, RetrievalModule, UsageModule, AuditModule, GroupsModule],
  controllers: [AgentsController],
  providers: [AgentsService, AgentCatalogue, AgentSharing, MemoryLearningJob],
  exports: [AgentsService],
})
export class AgentsModule {}
