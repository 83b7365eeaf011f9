import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { Nullable } from '#common';
import { FEEDBACK_COMMENT_MAX_CHARS, FEEDBACK_RATINGS, FEEDBACK_REASONS } from '../feedback-reasons';
import type { FeedbackRating, FeedbackReason } from '../feedback-reasons';

const REASON_DESCRIPTION = 'Why, from a fixed set (counted in the admins\' summary); null or absent: none.';

/** The whole feedback: a PUT replaces it, so a reason or comment left out is cleared. */
export class PutFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_RATINGS, enumName: 'FeedbackRating' })
  @IsIn(FEEDBACK_RATINGS)
  rating!: FeedbackRating;

  @ApiPropertyOptional({ enum: FEEDBACK_REASONS, enumName: 'FeedbackReason', nullable: true, description: REASON_DESCRIPTION })
  @Nullable()
  @IsIn(FEEDBACK_REASONS)
  reason?: FeedbackReason | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: FEEDBACK_COMMENT_MAX_CHARS, description: 'Free text; blank counts as none.' })
  @Nullable()
  @IsString()
  @MaxLength(FEEDBACK_COMMENT_MAX_CHARS)
  comment?: string | null;
}

export class FeedbackResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer', description: 'The answer rated.' }) message_id!: number;
  @ApiProperty({ enum: FEEDBACK_RATINGS, enumName: 'FeedbackRating' }) rating!: FeedbackRating;
  @ApiProperty({ type: String, enum: FEEDBACK_REASONS, enumName: 'FeedbackReason', nullable: true }) reason!: FeedbackReason | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ description: 'When it was first given.' }) created_at!: Date;
  @ApiProperty({ description: 'When it was last changed.' }) updated_at!: Date;
}
