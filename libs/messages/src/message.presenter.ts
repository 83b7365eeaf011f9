import { ApiProperty } from '@nestjs/swagger';
import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { Citation, Message, MessageRole, MessageStatus } from '#database';

/** A source an answer drew on; the answer cites it as `[index]`. */
export class CitationResponse implements Citation {
  @ApiProperty({ type: 'integer', description: 'The `[n]` the answer may cite.' }) index!: number;
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty({ example: 'rapport-2026.pdf' }) filename!: string;
  @ApiProperty({ type: 'integer', description: 'Page of the cited passage.' }) page!: number;
  @ApiProperty({ type: 'integer' }) chunk_id!: number;
  @ApiProperty({ description: 'Retrieval score.' }) score!: number;
  @ApiProperty({ description: 'The cited passage, shortened.' }) snippet!: string;
}

export class MessageResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: MessageRole;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: MessageStatus;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_model!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_provider!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'For an answer: the user message it answers.' })
  parent_id!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) prompt_tokens!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) completion_tokens!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Milliseconds to the first token.' }) ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: [CitationResponse], description: 'Sources the answer drew on (answers only).' })
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
