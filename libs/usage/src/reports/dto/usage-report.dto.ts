import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsString, Matches, MaxLength } from 'class-validator';
import { IsInt4, LimitQuery, Optional } from '#common';
import { USAGE_GROUPINGS, USAGE_PURPOSES } from '#database';
import type { UsageGrouping, UsagePurpose } from '#database';

export const USAGE_REPORT_FORMATS = ['json', 'csv'] as const;
export type UsageReportFormat = (typeof USAGE_REPORT_FORMATS)[number];

/** A date (a whole UTC day) or a date-time (UTC when it names no offset). */
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATE_OR_TIME_MESSAGE = (field: string) => `${field} must be a date (2026-11-30) or a date-time (2026-11-30T08:00:00Z)`;

const USAGE_ORDER =
  'By user, group or agent: highest id first, the null key last; by day or month: newest first; by model or purpose: in byte order (A to Z).';

export const USAGE_CURSOR_DESCRIPTION =
  'Cursor: the `next_before` of the previous page, which is the `key` of its last row (a string, as keys are); ' +
  `the page starts just past it in the report's order. ${USAGE_ORDER}`;

export class UsageReportQuery extends LimitQuery({ default: 100, maximum: 1000, description: 'Rows per page (JSON only: CSV has every row).' }) {
  @ApiPropertyOptional({ enum: USAGE_GROUPINGS, default: 'user', description: 'What each row adds up. Days and months are UTC.' })
  @Optional()
  @IsIn(USAGE_GROUPINGS)
  group_by: UsageGrouping = 'user';

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'Start, inclusive: a date (from its 00:00 UTC) or a date-time (UTC unless it has an offset). Default: the first day of this month (UTC).',
  })
  @Optional()
  @Matches(DATE_OR_TIME, { message: DATE_OR_TIME_MESSAGE('from') })
  @IsISO8601({ strict: true }, { message: DATE_OR_TIME_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'End: a date includes that whole day (UTC); a date-time is exclusive. Default: now.',
  })
  @Optional()
  @Matches(DATE_OR_TIME, { message: DATE_OR_TIME_MESSAGE('to') })
  @IsISO8601({ strict: true }, { message: DATE_OR_TIME_MESSAGE('to') })
  to?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: "Only this user's calls (a deleted user's id works too)." })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  user_id?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only the calls of users who are members of this group now.' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  group_id?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only the calls made for this agent.' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  agent_id?: number;

  @ApiPropertyOptional({ example: 'mistral-small-latest', maxLength: 200 })
  @Optional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ enum: USAGE_PURPOSES })
  @Optional()
  @IsIn(USAGE_PURPOSES)
  purpose?: UsagePurpose;

  @ApiPropertyOptional({ description: USAGE_CURSOR_DESCRIPTION, maxLength: 200 })
  @Optional()
  @IsString()
  @MaxLength(200)
  before?: string;

  @ApiPropertyOptional({ enum: USAGE_REPORT_FORMATS, default: 'json', description: '`csv`: every row (no paging) as `text/csv`, streamed.' })
  @Optional()
  @IsIn(USAGE_REPORT_FORMATS)
  format: UsageReportFormat = 'json';
}

const COST_DESCRIPTION =
  'Sum of the priced calls\' cost (LLM_PRICES at the time of each call), a decimal string with 8 places so no precision is lost; ' +
  'null when none of the calls has a price.';

export class UsageTotals {
  @ApiProperty({ type: 'integer', description: 'Model calls (ledger rows).' }) calls!: number;
  @ApiProperty({ type: 'integer' }) prompt_tokens!: number;
  @ApiProperty({ type: 'integer' }) completion_tokens!: number;
  @ApiProperty({ type: 'integer', description: '`prompt_tokens + completion_tokens`.' }) total_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.01234500', description: COST_DESCRIPTION }) cost!: string | null;
  @ApiProperty({ type: 'integer', description: 'Calls whose tokens are our count because the provider reported none.' })
  estimated_calls!: number;
}

export class UsageReportRow extends UsageTotals {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '42',
    description:
      'What the row adds up: a user, group or agent id (decimal string), a model, a purpose, a day (`YYYY-MM-DD`) or a month (`YYYY-MM`); ' +
      'null for the calls of no user, of users in no group, or for no agent.',
  })
  key!: string | null;

  @ApiProperty({
    example: 'ada@example.org',
    description:
      'A user\'s email (`deleted user #<id>` once deleted), a group\'s name, an agent\'s name (a soft-deleted agent keeps it; ' +
      '`deleted agent #<id>` once gone with its owner), the model, purpose, day or month; `no user`, `no group` or `no agent` for the null key.',
  })
  label!: string;
}

export class UsageReport {
  @ApiProperty({ enum: USAGE_GROUPINGS }) group_by!: UsageGrouping;
  @ApiProperty({ description: 'Start of the range, inclusive.' }) from!: Date;
  @ApiProperty({ description: 'End of the range, exclusive.' }) to!: Date;

  @ApiProperty({ type: () => UsageReportRow, isArray: true, description: USAGE_ORDER })
  items!: UsageReportRow[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page (the last row\'s `key`); null on the last page.' })
  next_before!: string | null;

  @ApiProperty({
    type: () => UsageTotals,
    description:
      'Sums over every row of the range and filters (all pages), counting each call once: equal to the sum of all rows, ' +
      'except by group when a user belongs to several groups (their calls then count in each).',
  })
  totals!: UsageTotals;
}
