import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import type { Chat } from '#database';

export class ChatAgentSummary {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) avatar_url!: string | null;
  @ApiProperty({ description: 'A deleted agent accepts no new messages.' }) deleted!: boolean;
}

export class ChatResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'New chat' }) title!: string;
  @ApiProperty({ type: 'integer' }) user_id!: number;
  @ApiProperty({ nullable: true, type: 'integer' }) agent_id!: number | null;
  @ApiProperty({ type: ChatAgentSummary, nullable: true }) agent!: ChatAgentSummary | null;
  @ApiProperty() pinned!: boolean;
  @ApiProperty({ type: Date, nullable: true, description: 'Set while archived: hidden from the default list, still readable.' })
  archived_at!: Date | null;
  @ApiProperty({ type: String, isArray: true, example: ['work'] }) tags!: string[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The end of the branch shown and continued; null for an empty chat.' })
  active_leaf_id!: number | null;
  @ApiProperty({ type: String, nullable: true, description: "This chat's model override; null: the agent's." })
  model!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: "This chat's temperature override; null: the agent's." })
  temperature!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: "This chat's output cap; null: the server's (LLM_MAX_OUTPUT_TOKENS)." })
  max_output_tokens!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'mistral-small-latest', description: "The model answers use: the override, else the agent's (null without either)." })
  effective_model!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.7, description: "The temperature answers use: the override, else the agent's (null without either)." })
  effective_temperature!: number | null;
  @ApiProperty({ type: 'integer', description: "The output cap answers use: the override within the server's, else the server's." })
  effective_max_output_tokens!: number;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ description: 'Moves with every message (not when the chat is renamed, pinned, archived, tagged or its options change).' })
  updated_at!: Date;
}

export class ChatPage extends PageOf(ChatResponse, 'Most recent activity first.') {}

/**
 * The options a chat's answers use: its overrides, else its agent's (`agent`
 * loaded); the output cap is the override within the server's (LLM_MAX_OUTPUT_TOKENS).
 */
export function effectiveChatOptions(chat: Chat, serverMaxOutputTokens: number) {
  return {
    model: chat.model ?? chat.agent?.model ?? null,
    temperature: chat.temperature ?? chat.agent?.temperature ?? null,
    maxOutputTokens: Math.min(chat.max_output_tokens ?? serverMaxOutputTokens, serverMaxOutputTokens),
  };
}

/** Expects `agent` loaded (soft-deleted ones included); `serverMaxOutputTokens` is LLM_MAX_OUTPUT_TOKENS. */
export function presentChat(chat: Chat, serverMaxOutputTokens: number): ChatResponse {
  const agent = chat.agent;
  const effective = effectiveChatOptions(chat, serverMaxOutputTokens);
  return {
    id: chat.id,
    title: chat.title,
    user_id: chat.user_id,
    agent_id: chat.agent_id,
    agent: agent
      ? { id: agent.id, name: agent.name, avatar_url: agent.avatar_url, deleted: agent.deleted_at !== null }
      : null,
    pinned: chat.pinned,
    archived_at: chat.archived_at,
    tags: chat.tags,
    active_leaf_id: chat.active_leaf_id,
    model: chat.model,
    temperature: chat.temperature,
    max_output_tokens: chat.max_output_tokens,
    effective_model: effective.model,
    effective_temperature: effective.temperature,
    effective_max_output_tokens: effective.maxOutputTokens,
    created_at: chat.created_at,
    updated_at: chat.updated_at,
  };
}
