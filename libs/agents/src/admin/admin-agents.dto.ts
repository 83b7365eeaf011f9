import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional, PageOf } from '#common';
import { AGENT_VISIBILITIES } from '#database';
import type { AgentVisibility } from '#database';

export class ListAllAgentsQuery extends KeysetPageQuery(
  { default: 50, maximum: 100 },
  'Cursor: the `next_before` of the previous page (the id of the last agent seen).',
) {
  @ApiPropertyOptional({ description: 'Part of the name (case-insensitive).', maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  owner_id?: number;

  @ApiPropertyOptional({ enum: AGENT_VISIBILITIES, enumName: 'AgentVisibility' })
  @Optional()
  @IsIn(AGENT_VISIBILITIES)
  visibility?: AgentVisibility;

  @ApiPropertyOptional({ default: false, description: 'Soft-deleted agents too (their `deleted_at` is set).' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'include_deleted must be true or false' })
  include_deleted: boolean = false;
}

export class AgentOwnerResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() email!: string;
  @ApiProperty({ example: 'ADA' }) trigramme!: string;
}

export class AdminAgentResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'Test Agent' }) name!: string;
  @ApiProperty({ type: () => AgentOwnerResponse }) owner!: AgentOwnerResponse;
  @ApiProperty({ enum: AGENT_VISIBILITIES, enumName: 'AgentVisibility' }) visibility!: AgentVisibility;
  @ApiProperty({ type: 'integer', isArray: true, description: 'The groups it is shared with (used when `visibility` is `groups`).' })
  group_ids!: number[];
  @ApiProperty({ example: 'mistral-small-latest' }) model!: string;
  @ApiProperty({ type: String, isArray: true, example: ['pixtral-large-latest'], description: 'Tried in order when `model` fails before the first token.' })
  fallback_models!: string[];
  @ApiProperty({ type: 'integer', description: 'Chats with this agent, of every user (deleted chats do not count).' }) chat_count!: number;
  @ApiProperty({ type: Date, nullable: true, description: 'Time of the latest message in its chats; null when it has none.' })
  last_used_at!: Date | null;
  @ApiProperty({ type: 'integer', description: 'Thumbs up on the answers of its chats (`GET /api/admin/feedback?agent_id=` lists them).' })
  feedback_up!: number;
  @ApiProperty({ type: 'integer', description: 'Thumbs down on the answers of its chats.' }) feedback_down!: number;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
  @ApiProperty({ type: Date, nullable: true, description: 'Set when the agent was deleted (listed with `include_deleted=true`).' })
  deleted_at!: Date | null;
}

export class AdminAgentPage extends PageOf(AdminAgentResponse, 'Newest first (by id).') {}
