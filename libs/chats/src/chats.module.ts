import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { DocumentStorageModule } from '#documents';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { UsageModule } from '#usage';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';
import { ChatTitleJob } from './chat-title.job';

@Module({
  imports: [AgentsModule, DocumentStorageModule, LlmModule, RetrievalModule, UsageModule],
  controllers: [ChatsController],
  providers: [ChatsService, ChatTitleJob],
  exports: [ChatsService],
})
export class ChatsModule {}
