import { ApiProperty } from '@nestjs/swagger';
import { BUDGET_SCOPES } from '#database';
import type { BudgetScope } from '#database';

export class WindowUsageResponse {
  @ApiProperty({ type: 'integer', description: 'Prompt and completion tokens of every model call (answers and side calls), plus the prompts of answers still streaming.' })
  tokens!: number;

  @ApiProperty({ type: 'integer', description: 'Answers (including regenerated and vision ones), those still streaming included.' })
  messages!: number;

  @ApiProperty({ description: 'Cost from LLM_PRICES of the calls recorded so far; 0 for models without a price.' })
  cost!: number;

  @ApiProperty({ format: 'date-time', description: 'When this window ends (UTC).', example: '2026-12-01T00:00:00Z' })
  resets_at!: string;
}

export class LimitUsageResponse {
  @ApiProperty({ type: 'integer', nullable: true, description: 'The effective limit; null when unlimited.' })
  limit!: number | null;

  @ApiProperty({ type: 'integer' })
  used!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'What is left before sends are refused (429); null when unlimited.' })
  remaining!: number | null;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T00:00:00Z' })
  resets_at!: string;

  @ApiProperty({ enum: BUDGET_SCOPES, nullable: true, description: 'The budget that sets the limit; null when unlimited.' })
  source!: BudgetScope | null;

  @ApiProperty({ type: 'integer', nullable: true, description: "The user's or group's id when `source` is `user` or `group`." })
  source_id!: number | null;
}

export class MyLimitsResponse {
  @ApiProperty({ type: LimitUsageResponse }) tokens_per_day!: LimitUsageResponse;
  @ApiProperty({ type: LimitUsageResponse }) tokens_per_month!: LimitUsageResponse;
  @ApiProperty({ type: LimitUsageResponse }) messages_per_day!: LimitUsageResponse;
}

export class MyUsageResponse {
  @ApiProperty({ type: WindowUsageResponse, description: 'Since 00:00 UTC.' })
  today!: WindowUsageResponse;

  @ApiProperty({ type: WindowUsageResponse, description: 'Since the 1st of the month, 00:00 UTC.' })
  this_month!: WindowUsageResponse;

  @ApiProperty({
    type: MyLimitsResponse,
    description:
      "Each limit: the most generous set by the user's own budget or any of their groups'; else the default budget's; else none.",
  })
  limits!: MyLimitsResponse;
}
