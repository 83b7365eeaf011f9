import { ApiProperty } from '@nestjs/swagger';
import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { Citation, Message, MessageRole, MessageStatus } from '#database';

export class MessageResponse {
  @ApiProperty() id!: number;
  @ApiProperty() chat_id!: number;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: MessageRole;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: MessageStatus;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_model!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_provider!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'For an answer: the user message it answers.' })
  parent_id!: number | null;
  @ApiProperty({ nullable: true, type: Number }) prompt_tokens!: number | null;
  @ApiProperty({ nullable: true, type: Number }) completion_tokens!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Milliseconds to the first token.' }) ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: 'array', items: { type: 'object' }, description: 'Sources the answer drew on: {index, document_id, filename, page, chunk_id, score, snippet}.' })
  citations!: Citation[] | null;
  @ApiProperty() created_at!: Date;
}

export function presentMessage(message: Message): MessageResponse {
  const { id, chat_id, role, content, status, error, llm_model, llm_provider, parent_id, prompt_tokens, completion_tokens } = message;
  return {
    id,
    chat_id,
    role,
    content,
    status,
    error,
    llm_model,
    llm_provider,
    parent_id,
    prompt_tokens,
    completion_tokens,
    ttft_ms: message.ttft_ms,
    citations: message.citations,
    created_at: message.created_at,
  };
}
