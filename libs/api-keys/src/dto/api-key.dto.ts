import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsString, Length, Max, Min } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional } from '#common';
import { API_KEY_ACCESSES } from '#database';
import type { ApiKeyAccess } from '#database';

export const MAX_API_KEY_DAYS = 3650;
export const MAX_API_KEY_AGENTS = 100;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI pipeline', minLength: 1, maxLength: 100, description: 'What the key is for, to recognise it in lists.' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working (in the future). Give this or `expires_in_days`, or neither: no expiry.' })
  @Optional()
  @IsISO8601({ strict: true })
  expires_at?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_API_KEY_DAYS, description: 'Days the key works, from now.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_API_KEY_DAYS)
  expires_in_days?: number;

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    maxItems: MAX_API_KEY_AGENTS,
    description: 'The only agents (the `model`s of /v1) the key may use, each one I may use; omitted: every agent I may use, now and later.',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_API_KEY_AGENTS)
  @ArrayUnique()
  @IsInt4(1, { each: true })
  agent_ids?: number[];

  @ApiPropertyOptional({ enum: API_KEY_ACCESSES, enumName: 'ApiKeyAccess', default: 'chat', description: '`chat`: completions, embeddings and the model list; `read`: the model list and embeddings only.' })
  @Optional()
  @IsIn(API_KEY_ACCESSES)
  access?: ApiKeyAccess;
}

export class ListApiKeysQuery extends KeysetPageQuery({ default: 20, maximum: 100 }, 'Cursor: the `next_before` of the previous page (a key id).') {}

export class ListAllApiKeysQuery extends ListApiKeysQuery {
  @ApiPropertyOptional({ type: 'integer', description: "Only this user's keys." })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  user_id?: number;
}

export class ApiKeySettingsDto {
  @ApiProperty({ description: 'Off: no key can be made, and every key is refused on /v1 (403) until it is on again.' })
  @IsBoolean()
  enabled!: boolean;
}
