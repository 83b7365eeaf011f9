import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import { AGENT_VISIBILITIES } from '#database';
import type { Agent, AgentVisibility } from '#database';

export class AgentResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'Test Agent' }) name!: string;
  @ApiProperty({ example: 'You are a test agent' }) system_prompt!: string;
  @ApiProperty() learn_from_interaction!: boolean;
  @ApiProperty({ description: "True when `visibility` is `public` (the seed's field)." }) is_public!: boolean;
  @ApiProperty({
    enum: AGENT_VISIBILITIES,
    enumName: 'AgentVisibility',
    description: '`private`: its owner (and admins); `groups`: also the members of `group_ids`; `public`: everyone.',
  })
  visibility!: AgentVisibility;
  @ApiProperty({
    type: 'integer',
    isArray: true,
    nullable: true,
    description: 'The groups it is shared with, shown to its owner and admins (empty unless `visibility` is `groups`); null for anyone else and in the catalogue.',
  })
  group_ids!: number[] | null;
  @ApiProperty({ type: 'integer' }) owner_id!: number;
  @ApiProperty({ nullable: true, type: String, example: 'ADA', description: "The owner's trigramme (never their email)." })
  owner_trigramme!: string | null;
  @ApiProperty({ example: 'mistral-small-latest' }) model!: string;
  @ApiProperty({
    type: String,
    isArray: true,
    example: ['pixtral-large-latest'],
    description: 'Models tried in order when every endpoint serving `model` fails before the first token; empty: none.',
  })
  fallback_models!: string[];
  @ApiProperty({ example: 0.7 }) temperature!: number;
  @ApiProperty({ nullable: true, type: String }) avatar_url!: string | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

/**
 * Expects `owner` loaded; shows the owner's id and trigramme only. `groupIds`: the groups it is
 * shared with, for its owner or an admin; null (not shown) for anyone else.
 */
export function presentAgent(agent: Agent, groupIds: number[] | null = null): AgentResponse {
  const { id, name, system_prompt, learn_from_interaction, visibility, owner_id, model, fallback_models, temperature, avatar_url } = agent;
  return {
    id,
    name,
    system_prompt,
    learn_from_interaction,
    is_public: visibility === 'public',
    visibility,
    group_ids: groupIds,
    owner_id,
    owner_trigramme: agent.owner?.trigramme ?? null,
    model,
    fallback_models,
    temperature,
    avatar_url,
    created_at: agent.created_at,
    updated_at: agent.updated_at,
  };
}

export class MemoryResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'Works in the finance team and prepares the 2027 budget.' }) content!: string;
  @ApiProperty({ nullable: true, type: 'integer', description: 'The answer it was learnt from.' }) source_message_id!: number | null;
  @ApiProperty() created_at!: Date;
}

export class AgentPage extends PageOf(AgentResponse, 'Catalogue (public and shared with my groups): by name, then id. My agents: most recently changed first.') {}

export class MemoryPage extends PageOf(MemoryResponse, 'Newest first.') {}
