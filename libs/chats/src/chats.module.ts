import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { DocumentStorageModule } from '#documents';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import { UsageModule } from '#usage';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';
import { ChatTitleJob } from './chat-title.job';
import { SearchModule } from './search/search.module';

@Module({
  imports: [AgentsModule, DocumentStorageModule, LlmModule, RetrievalModule, UsageModule, SearchModule],
  controllers: [ChatsController],
  providers: [ChatsService, ChatTitleJob],
  exports: [ChatsService],
})
export class ChatsModule {}
