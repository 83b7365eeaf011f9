import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CompletionUsage {
  @ApiProperty({ type: 'integer', description: "The provider's count, else ours (an estimate)." }) prompt_tokens!: number;
  @ApiProperty({ type: 'integer' }) completion_tokens!: number;
  @ApiProperty({ type: 'integer' }) total_tokens!: number;
}

/** A numbered source of the answer: a passage of one of the agent's documents, cited as [n]. */
export class CompletionCitation {
  @ApiProperty({ type: 'integer', description: 'The n of [n] in the answer.' }) index!: number;
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty() filename!: string;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) chunk_id!: number;
  @ApiProperty() score!: number;
  @ApiProperty({ description: 'The start of the passage.' }) snippet!: string;
}

export class ServedBy {
  @ApiProperty({ example: 'mistral', description: 'The endpoint that produced the answer (failover may pick another than the first).' }) provider!: string;
  @ApiProperty({ example: 'mistral-small-latest' }) model!: string;
}

/** FoyerGPT's extension: on a completion, and on the last chunk (the one with `finish_reason`) of a stream. */
export class CompletionExtension {
  @ApiProperty({ type: CompletionCitation, isArray: true, description: "The agent's sources the answer was given, cited as [n]; empty when none was relevant." })
  citations!: CompletionCitation[];

  @ApiProperty({ type: ServedBy, nullable: true, description: 'Null when no endpoint produced a token.' })
  served_by!: ServedBy | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'With `X-FoyerGPT-Save-Chat: true`: the chat the exchange was saved as (GET /api/chats/{id}); else null.',
  })
  chat_id!: number | null;
}

export class AssistantMessage {
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty() content!: string;
  @ApiProperty({ type: 'null', description: 'Always null.' }) refusal!: null;
}

export class CompletionChoice {
  @ApiProperty({ type: 'integer', enum: [0] }) index!: number;
  @ApiProperty({ type: AssistantMessage }) message!: AssistantMessage;
  @ApiProperty({ enum: ['stop', 'length'], description: '`length`: the answer reached its output cap.' }) finish_reason!: 'stop' | 'length';
  @ApiProperty({ type: 'null' }) logprobs!: null;
}

export class ChatCompletion {
  @ApiProperty({ example: 'chatcmpl-3f9c2a7e1b4d' }) id!: string;
  @ApiProperty({ enum: ['chat.completion'] }) object!: 'chat.completion';
  @ApiProperty({ type: 'integer', description: 'Unix seconds.' }) created!: number;
  @ApiProperty({ example: 'agent-42', description: 'The agent, as requested.' }) model!: string;
  @ApiProperty({ type: CompletionChoice, isArray: true }) choices!: CompletionChoice[];
  @ApiProperty({ type: CompletionUsage }) usage!: CompletionUsage;
  @ApiProperty({ type: CompletionExtension }) foyergpt!: CompletionExtension;
}

export class ChunkDelta {
  @ApiPropertyOptional({ enum: ['assistant'], description: 'On the first chunk only.' }) role?: 'assistant';
  @ApiPropertyOptional() content?: string;
}

export class ChunkChoice {
  @ApiProperty({ type: 'integer', enum: [0] }) index!: number;
  @ApiProperty({ type: ChunkDelta }) delta!: ChunkDelta;
  @ApiProperty({ enum: ['stop', 'length', null], nullable: true, type: String }) finish_reason!: 'stop' | 'length' | null;
}

/** One `data:` event of a streamed completion (the stream ends with `data: [DONE]`). */
export class ChatCompletionChunk {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['chat.completion.chunk'] }) object!: 'chat.completion.chunk';
  @ApiProperty({ type: 'integer' }) created!: number;
  @ApiProperty() model!: string;
  @ApiProperty({ type: ChunkChoice, isArray: true, description: 'Empty on the usage chunk.' }) choices!: ChunkChoice[];
  @ApiPropertyOptional({
    type: CompletionUsage,
    nullable: true,
    description: 'With `stream_options.include_usage`: null on every chunk but the last one, which carries it (and no choice).',
  })
  usage?: CompletionUsage | null;
  @ApiPropertyOptional({ type: CompletionExtension, description: 'On the chunk with `finish_reason`.' }) foyergpt?: CompletionExtension;
}
