import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { ApiKeysModule } from '#api-keys';
import { LlmModule } from '#llm';
import { MessagesModule } from '#messages';
import { UsageModule } from '#usage';
import { AgentModels } from './agent-models';
import { ChatCompletionsController } from './chat-completions.controller';
import { ChatCompletionsService } from './chat-completions.service';
import { CompletionSse } from './completion-sse';
import { CompletionTranscripts } from './completion-transcripts';
import { ConcurrentCompletions } from './concurrent-completions';
import { EmbeddingsController } from './embeddings.controller';
import { EmbeddingsService } from './embeddings.service';
import { OpenAiModelsController } from './models.controller';

/** The OpenAI-compatible API under /v1 (outside the /api prefix), for personal API keys: agents as models, chat completions, embeddings. */
@Module({
  imports: [AgentsModule, ApiKeysModule, LlmModule, MessagesModule, UsageModule],
  controllers: [OpenAiModelsController, ChatCompletionsController, EmbeddingsController],
  providers: [AgentModels, ChatCompletionsService, CompletionSse, CompletionTranscripts, ConcurrentCompletions, EmbeddingsService],
})
export class OpenAiCompatModule {}
