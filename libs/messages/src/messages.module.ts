import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { ChatsModule } from '#chats';
import { LlmModule } from '#llm';
import { McpModule } from '#mcp';
import { DocumentStorageModule } from '#documents';
import { RealtimeModule } from '#realtime';
import { RetrievalModule } from '#retrieval';
import { SessionsModule } from '#sessions';
import { UsageModule } from '#usage';
import { AnswerContextBuilder } from './generation/answer-context';
import { AnswerStreamService } from './generation/answer-stream.service';
import { GenerationEvents } from './generation/generation-events';
import { GenerationService } from './generation/generation.service';
import { InterruptedAnswers } from './generation/interrupted-answers';
import { StreamSlots } from './generation/stream-slots';
import { ToolCalls } from './generation/tool-calls';
import { BranchesController } from './branches/branches.controller';
import { BranchesService } from './branches/branches.service';
import { ChatHistoryController } from './chat-history.controller';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [AuditModule, ChatsModule, DocumentStorageModule, LlmModule, McpModule, RealtimeModule, RetrievalModule, SessionsModule, UsageModule],
  controllers: [MessagesController, ChatHistoryController, BranchesController],
  providers: [
    GenerationEvents,
    AnswerContextBuilder,
    GenerationService,
    InterruptedAnswers,
    StreamSlots,
    ToolCalls,
    AnswerStreamService,
    MessagesService,
    BranchesService,
  ],
  exports: [GenerationEvents, AnswerStreamService, GenerationService, MessagesService, AnswerContextBuilder],
})
export class MessagesModule {}
