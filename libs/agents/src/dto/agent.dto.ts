import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNumber, IsString, IsUrl, Length, Max, MaxLength, Min } from 'class-validator';
import { IsInt4, KeysetPageQuery, Nullable, Optional } from '#common';
import { AGENT_VISIBILITIES } from '#database';
import type { AgentVisibility } from '#database';

/** How many fallback models an agent may name: each is tried only after every endpoint of the one before failed. */
export const MAX_FALLBACK_MODELS = 5;

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateAgentDto {
  @ApiProperty({ example: 'Test Agent', minLength: 1, maxLength: 100 })
  @trim
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: 'You are a test agent', description: 'Up to AGENT_PROMPT_MAX_CHARS characters.' })
  @Optional()
  @IsString()
  @MaxLength(200_000)
  system_prompt?: string;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  learn_from_interaction?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: "The seed's field, kept as an alias: true is `visibility: public`, false `private`. With `visibility` it must agree (true only with `public`).",
  })
  @Optional()
  @IsBoolean()
  is_public?: boolean;

  @ApiPropertyOptional({ enum: AGENT_VISIBILITIES, enumName: 'AgentVisibility', description: 'Who may see and use it; a new agent without it (nor `is_public`) is `private`.' })
  @Optional()
  @IsIn(AGENT_VISIBILITIES)
  visibility?: AgentVisibility;

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    maxItems: 50,
    description:
      'With `visibility: groups` (required then, at least one; on an update, omitted keeps the current groups): the groups to share with. An owner may share only with groups they are a member of; an admin with any.',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsInt4(1, { each: true })
  group_ids?: number[];

  @ApiPropertyOptional({ example: 'mistral-small-latest', description: 'One of GET /api/models; default: the chat model.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    maxItems: MAX_FALLBACK_MODELS,
    uniqueItems: true,
    example: ['pixtral-large-latest'],
    description:
      "Chat models (of GET /api/models, other than `model`) tried in order when every endpoint serving `model` fails before an answer's first token; default: none. On an update, omitted keeps the current list.",
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_FALLBACK_MODELS)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  fallback_models?: string[];

  @ApiPropertyOptional({ default: 0.7, minimum: 0, maximum: 2 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://example.org/avatar.png' })
  @Nullable()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'avatar_url must be an http(s) URL' })
  @MaxLength(2000)
  avatar_url?: string | null;
}

/**
 * Every field optional: a PUT changes only what it sends. Null is still
 * refused where the column cannot be null (only avatar_url may be cleared).
 */
export class UpdateAgentDto extends PartialType(CreateAgentDto, { skipNullProperties: false }) {}

export class ListAgentsQuery extends KeysetPageQuery(
  { default: 50, maximum: 100 },
  'Cursor: the `next_before` of the previous page (the id of the last agent seen).',
) {}

export class ListMemoriesQuery extends KeysetPageQuery(
  { default: 50, maximum: 200 },
  'Cursor: the `next_before` of the previous page (the id of the last memory seen).',
) {}
