import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsInt4, KeysetPageQuery, Nullable, Optional } from '#common';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const queryBoolean = Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export const MAX_TAGS_PER_CHAT = 20;
/** Well within MAX_JSON_VALUES (500 by default), so a longer list gets this 422 rather than a 413. */
export const MAX_BULK_CHATS = 200;

/** Trims each tag and drops later spellings of one already given (case-insensitively), keeping the first as typed. */
function normaliseTags(value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) return value;
  const seen = new Set<string>();
  return value
    .map((tag: string) => tag.trim())
    .filter((tag) => {
      const key = tag.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The chat's overrides of its agent's model options; null (or absent) keeps the agent's. */
export class ChatOptionsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'mistral-small-latest',
    description: "One of the chat models of GET /api/models; null: the agent's.",
  })
  @Nullable()
  @IsString()
  @MaxLength(200)
  model?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 2, description: "Null: the agent's." })
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: "At most the server's cap (LLM_MAX_OUTPUT_TOKENS); null: the cap.",
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_output_tokens?: number | null;
}

export class CreateChatDto extends ChatOptionsDto {
  @ApiProperty({ type: 'integer', example: 1 })
  @IsInt4()
  agent_id!: number;

  @ApiPropertyOptional({ example: 'Quarterly report questions', description: 'Default: "New chat".' })
  @Optional()
  @trim
  @IsString()
  @Length(1, 200)
  title?: string;
}

export class UpdateChatDto {
  @ApiProperty({ example: 'Budget 2027' })
  @trim
  @IsString()
  @Length(1, 200)
  title!: string;
}

/** Only the fields sent change. */
export class PatchChatDto extends ChatOptionsDto {
  @ApiPropertyOptional({ example: 'Budget 2027', minLength: 1, maxLength: 200 })
  @Optional()
  @trim
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  pinned?: boolean;

  @ApiPropertyOptional({ description: 'true archives (hidden from the default list, still readable and searchable); false restores.' })
  @Optional()
  @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    maxItems: MAX_TAGS_PER_CHAT,
    example: ['work', 'taxes'],
    description: `Replaces the chat's tags: up to ${MAX_TAGS_PER_CHAT}, each 1-50 characters once trimmed; repeats differing only in case are dropped.`,
  })
  @Optional()
  @Transform(({ value }) => normaliseTags(value))
  @IsArray()
  @ArrayMaxSize(MAX_TAGS_PER_CHAT)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
}

export const BULK_CHAT_ACTIONS = ['archive', 'unarchive', 'pin', 'unpin', 'delete'] as const;
export type BulkChatAction = (typeof BULK_CHAT_ACTIONS)[number];

export class BulkChatsDto {
  @ApiProperty({ enum: BULK_CHAT_ACTIONS, enumName: 'BulkChatAction', description: 'delete removes each chat with its messages and documents (files too).' })
  @IsIn(BULK_CHAT_ACTIONS)
  action!: BulkChatAction;

  @ApiProperty({ type: 'integer', isArray: true, minItems: 1, maxItems: MAX_BULK_CHATS, example: [12, 15] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_CHATS)
  @IsInt4(1, { each: true })
  chat_ids!: number[];
}

export const ARCHIVED_FILTERS = ['false', 'true', 'all'] as const;
export type ArchivedFilter = (typeof ARCHIVED_FILTERS)[number];

export class ListChatsQuery extends KeysetPageQuery(
  { default: 20, maximum: 100 },
  'Cursor: the `next_before` of the previous page (a chat id).',
) {
  @ApiPropertyOptional({ description: 'Part of the title.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ARCHIVED_FILTERS, enumName: 'ArchivedFilter', default: 'false', description: 'false: unarchived chats only; true: archived only; all: both.' })
  @Optional()
  @IsIn(ARCHIVED_FILTERS, { message: 'archived must be one of: false, true, all' })
  archived: ArchivedFilter = 'false';

  @ApiPropertyOptional({ description: 'Only pinned chats (true) or only unpinned ones (false).' })
  @Optional()
  @queryBoolean
  @IsBoolean({ message: 'pinned must be true or false' })
  pinned?: boolean;

  @ApiPropertyOptional({ description: 'Only chats with this tag (case-insensitive).', maxLength: 50 })
  @Optional()
  @trim
  @IsString()
  @Length(1, 50)
  tag?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only chats with this agent.' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  agent_id?: number;
}
