import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsInt4, LimitQuery, Optional } from '#common';
import type { ArchivedFilter } from '#database';

export const ARCHIVED_FILTERS: ArchivedFilter[] = ['all', 'false', 'true'];

export class SearchMessagesQuery extends LimitQuery({ default: 20, maximum: 50 }) {
  @ApiProperty({ example: 'securite badge', description: 'Words to find, all of them (accents, case and French or English endings ignored).' })
  @IsString()
  @Length(1, 500)
  q!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Only chats with this agent.' })
  @Optional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt4()
  agent_id?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Messages written at or after this time (ISO 8601); for a title, the chat\'s last activity.' })
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Messages written before this time (ISO 8601); for a title, the chat\'s last activity.' })
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ARCHIVED_FILTERS, default: 'all', description: '`all`: archived chats too (the default: archived chats stay searchable); `false`: not archived; `true`: only archived.' })
  @Optional()
  @IsIn(ARCHIVED_FILTERS)
  archived: ArchivedFilter = 'all';

  @ApiPropertyOptional({ description: 'Cursor: the `next_before` of the previous page (an opaque string).', maxLength: 200 })
  @Optional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'before must be a next_before of an earlier page' })
  before?: string;
}

export const SEARCH_HIT_TYPES = ['chat', 'message'] as const;

export class SearchHitResponse {
  @ApiProperty({ enum: SEARCH_HIT_TYPES, description: '`chat`: the chat\'s title matches (no message); `message`: a message matches.' })
  type!: (typeof SEARCH_HIT_TYPES)[number];

  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty() chat_title!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Null for a title hit.' }) message_id!: number | null;
  @ApiProperty({ type: String, nullable: true, enum: ['user', 'assistant'], description: 'Null for a title hit.' }) role!: 'user' | 'assistant' | null;
  @ApiProperty({ description: 'When the message was written; for a title hit, the chat\'s last activity.' }) created_at!: Date;

  @ApiProperty({
    example: 'Le badge donne accès au bâtiment ; la <mark>sécurité</mark> le désactive après…',
    description:
      'The text around the first match (the title for a title hit), as HTML: the text is escaped (& < > " \') and each matched word is ' +
      'wrapped in <mark></mark>. "…" marks where the text was cut.',
  })
  snippet!: string;

  @ApiProperty({ description: 'Relevance (ts_rank_cd; higher is better). Comparable within one search only.' }) rank!: number;
}

export class SearchPage {
  @ApiProperty({
    type: [SearchHitResponse],
    description:
      'Chats whose titles hold every word first, then messages holding every word (both roles, every branch). Each is ranked by relevance ' +
      'within windows of recent matches (at most 50 titles or 500 messages, newer windows first): relevance orders what is recent, ' +
      'so a common word does not rank every match. Each match appears once across the pages.',
  })
  items!: SearchHitResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page (opaque); null on the last page.' })
  next_before!: string | null;
}
