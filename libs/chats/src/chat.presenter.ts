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
  @ApiProperty() created_at!: Date;
  @ApiProperty({ description: 'Moves with every message.' }) updated_at!: Date;
}

export class ChatPage extends PageOf(ChatResponse, 'Most recent activity first.') {}

/** Expects `agent` loaded (soft-deleted ones included). */
export function presentChat(chat: Chat): ChatResponse {
  const agent = chat.agent;
  return {
    id: chat.id,
    title: chat.title,
    user_id: chat.user_id,
    agent_id: chat.agent_id,
    agent: agent
      ? { id: agent.id, name: agent.name, avatar_url: agent.avatar_url, deleted: agent.deleted_at !== null }
      : null,
    created_at: chat.created_at,
    updated_at: chat.updated_at,
  };
}
