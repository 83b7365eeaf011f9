import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNumber, IsString, IsUrl, Length, Max, MaxLength, Min } from 'class-validator';
import { KeysetPageQuery, Nullable, Optional } from '#common';

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

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  is_public?: boolean;

  @ApiPropertyOptional({ example: 'mistral-small-latest', description: 'One of GET /api/models; default: the chat model.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  model?: string;

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
