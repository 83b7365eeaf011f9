import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { INT4_MAX, KeysetPageQuery, Nullable, PageOf } from '#common';
import { BUDGET_SCOPES } from '#database';
import type { Budget, BudgetScope } from '#database';

const limitField = (description: string) =>
  ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: INT4_MAX, description: `${description} Null or absent: not set at this level.` });

/** The three limits; each a non-negative integer, or null to leave it to the next rule. */
export class SetBudgetDto {
  @limitField('Tokens (prompt and completion, every model call) per UTC day.')
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  tokens_per_day?: number | null;

  @limitField('Tokens per calendar month (UTC).')
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  tokens_per_month?: number | null;

  @limitField('Answers (sends and regenerations) per UTC day.')
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  messages_per_day?: number | null;
}

export class BudgetResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ enum: BUDGET_SCOPES }) scope!: BudgetScope;
  @ApiProperty({ type: 'integer', nullable: true }) user_id!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) group_id!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) tokens_per_day!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) tokens_per_month!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) messages_per_day!: number | null;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export function presentBudget(budget: Budget): BudgetResponse {
  const { id, scope, user_id, group_id, tokens_per_day, tokens_per_month, messages_per_day } = budget;
  return { id, scope, user_id, group_id, tokens_per_day, tokens_per_month, messages_per_day, updated_at: new Date(budget.updated_at).toISOString() };
}

export class ListBudgetsQuery extends KeysetPageQuery({ default: 50, maximum: 100 }, 'Cursor: the `next_before` of the previous page (the id of the last budget seen).') {}

export class BudgetPage extends PageOf(BudgetResponse, 'Newest first.') {}
