import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional, PageOf } from '#common';
import { FEEDBACK_GROUPINGS } from '#database';
import type { FeedbackGrouping } from '#database';
import { FEEDBACK_RATINGS, FEEDBACK_REASONS } from '../feedback-reasons';
import type { FeedbackRating, FeedbackReason } from '../feedback-reasons';

/** A bound on the time each feedback was first given. */
const RangeField = (bound: string) =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description: `Feedback given ${bound} this time (ISO 8601; a date is its 00:00 UTC).` }),
    Optional(),
    IsISO8601({ strict: true }),
  );

export class FeedbackSummaryQuery {
  @ApiPropertyOptional({ enum: FEEDBACK_GROUPINGS, default: 'agent', description: 'What each row adds up: the chat\'s agent, or the answer\'s model.' })
  @Optional()
  @IsIn(FEEDBACK_GROUPINGS)
  group_by: FeedbackGrouping = 'agent';

  @RangeField('at or after')
  from?: string;

  @RangeField('before')
  to?: string;
}

export class ListFeedbackQuery extends KeysetPageQuery(
  { default: 50, maximum: 200 },
  'Cursor: the `next_before` of the previous page (the id of the last feedback seen).',
) {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only feedback on answers in chats with this agent.' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  agent_id?: number;

  @ApiPropertyOptional({ example: 'mistral-small-latest', maxLength: 200, description: 'Only feedback on answers written by this model.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ enum: FEEDBACK_RATINGS, enumName: 'FeedbackRating' })
  @Optional()
  @IsIn(FEEDBACK_RATINGS)
  rating?: FeedbackRating;

  @RangeField('at or after')
  from?: string;

  @RangeField('before')
  to?: string;
}

export class FeedbackAuthor {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'ada@example.org' }) email!: string;
  @ApiProperty({ example: 'ADA' }) trigramme!: string;
}

export class FeedbackAgent {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ description: 'Its name (a deleted agent keeps it).' }) name!: string;
}

export class FeedbackAnswer {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty() content!: string;
  @ApiProperty() created_at!: Date;
}

export class FeedbackQuestion {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() content!: string;
}

export class AdminFeedbackResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ enum: FEEDBACK_RATINGS, enumName: 'FeedbackRating' }) rating!: FeedbackRating;
  @ApiProperty({ type: String, enum: FEEDBACK_REASONS, enumName: 'FeedbackReason', nullable: true }) reason!: FeedbackReason | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ description: 'When it was first given (what `from` and `to` filter on).' }) created_at!: Date;
  @ApiProperty({ description: 'When it was last changed.' }) updated_at!: Date;
  @ApiProperty({ type: () => FeedbackAuthor, description: 'Who gave it: the owner of the chat.' }) user!: FeedbackAuthor;
  @ApiProperty({ type: () => FeedbackAgent, nullable: true, description: "The chat's agent; null once the agent went with its owner's account." })
  agent!: FeedbackAgent | null;
  @ApiProperty({ type: String, nullable: true, example: 'mistral-small-latest', description: "The answer's model (`llm_model`)." })
  model!: string | null;
  @ApiProperty({ type: () => FeedbackAnswer, description: 'The answer rated.' }) answer!: FeedbackAnswer;
  @ApiProperty({ type: () => FeedbackQuestion, nullable: true, description: 'The question it answers (its parent); null if that is gone.' })
  question!: FeedbackQuestion | null;
}

export class AdminFeedbackPage extends PageOf(AdminFeedbackResponse, 'Newest first (by id).') {}

export class FeedbackReasonCount {
  @ApiProperty({ enum: FEEDBACK_REASONS, enumName: 'FeedbackReason' }) reason!: FeedbackReason;
  @ApiProperty({ type: 'integer' }) count!: number;
}

export class FeedbackSummaryRow {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '42',
    description: 'The agent id (a decimal string) or the model; null for chats whose agent is gone, or answers with no model.',
  })
  key!: string | null;
  @ApiProperty({ description: 'The agent\'s name (`no agent` for the null key) or the model (`no model`).' }) label!: string;
  @ApiProperty({ type: 'integer' }) up!: number;
  @ApiProperty({ type: 'integer' }) down!: number;
  @ApiProperty({ type: 'integer', description: '`up + down`.' }) total!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, example: 0.75, description: '`up / total`, to 4 decimals.' }) ratio!: number;
  @ApiProperty({ type: () => FeedbackReasonCount, isArray: true, description: 'The 3 reasons given most (up or down), most frequent first.' })
  top_reasons!: FeedbackReasonCount[];
}

export class FeedbackSummary {
  @ApiProperty({ enum: FEEDBACK_GROUPINGS }) group_by!: FeedbackGrouping;
  @ApiProperty({ type: () => FeedbackSummaryRow, isArray: true, description: 'Every agent or model rated in the range, most rated first.' })
  items!: FeedbackSummaryRow[];
}
