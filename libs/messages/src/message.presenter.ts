import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { AnswerPart, Citation, Message, MessageRole, MessageStatus } from '#database';
import { ANSWER_PART_MODELS, ANSWER_PARTS_SCHEMA } from './answer-part.response';

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

@ApiExtraModels(...ANSWER_PART_MODELS)
export class MessageResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: MessageRole;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: MessageStatus;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_model!: string | null;
  @ApiProperty({ nullable: true, type: String }) llm_provider!: string | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    description: 'The message before it on its branch: for an answer, the question it answers; for a question, the answer it follows (null for a first question).',
  })
  parent_id!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', isArray: true, description: 'For a question: the documents attached to it.' })
  document_ids!: number[] | null;
  @ApiProperty({ nullable: true, type: 'number', description: 'For an answer: the temperature it was asked with (its model: `llm_model`).' })
  llm_temperature!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'For an answer: the output token cap it was asked with.' })
  llm_max_tokens!: number | null;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Its place among its siblings (the branches from the same parent, by id), from 1: "2 of 3". In lists and in the responses that create messages.',
  })
  sibling_index?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'How many siblings it has, itself included.' })
  sibling_count?: number;
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    description: 'The siblings\' ids in order (itself included): PUT /api/chats/{id}/active-leaf with one of them switches to that branch.',
  })
  sibling_ids?: number[];
  @ApiProperty({ nullable: true, type: 'integer' }) prompt_tokens!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) completion_tokens!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Milliseconds to the first token.' }) ttft_ms!: number | null;
  @ApiProperty({ nullable: true, type: [CitationResponse], description: 'Sources the answer drew on (answers only).' })
  citations!: Citation[] | null;
  @ApiProperty(ANSWER_PARTS_SCHEMA)
  parts!: AnswerPart[] | null;
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
    parts: message.parts ?? null,
    document_ids: message.document_ids ?? null,
    llm_temperature: message.llm_temperature ?? null,
    llm_max_tokens: message.llm_max_tokens ?? null,
    created_at: message.created_at,
  };
}

/** The message with its place among its siblings (`siblingIds` in id order, itself included). */
export function presentMessageWithSiblings(message: Message, siblingIds: number[] | undefined): MessageResponse {
  const ids = siblingIds?.length ? siblingIds : [message.id];
  return { ...presentMessage(message), sibling_index: ids.indexOf(message.id) + 1, sibling_count: ids.length, sibling_ids: ids };
}
