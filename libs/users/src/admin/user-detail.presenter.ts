import { ApiProperty } from '@nestjs/swagger';
import type { Session, User, UserUsageSummary } from '#database';
import { presentUser, UserResponse } from '../user.presenter';

const COST = "Decimal string (8 places) of the priced calls' cost; null when none has a price (LLM_PRICES).";

export class UsagePeriodResponse {
  @ApiProperty({ type: 'integer', description: 'Prompt and completion tokens of every model call (answers, titles, memories, embeddings).' })
  tokens!: number;
  @ApiProperty({ type: 'integer', description: 'Answers (including regenerated, stopped and failed ones), as budgets count messages.' })
  messages!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.01234500', description: COST }) cost!: string | null;
}

export class UserUsageResponse {
  @ApiProperty({ type: () => UsagePeriodResponse, description: 'Since 00:00 UTC today.' }) today!: UsagePeriodResponse;
  @ApiProperty({ type: () => UsagePeriodResponse, description: 'Since the first day of this month, 00:00 UTC.' }) this_month!: UsagePeriodResponse;
}

export class AdminSessionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() created_at!: Date;
  @ApiProperty() last_seen_at!: Date;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent!: string | null;
  @ApiProperty() expires_at!: Date;
}

/** A user as GET /api/admin/users/{id} shows them: the user's fields, plus their usage and live sessions. */
export class UserDetailResponse extends UserResponse {
  @ApiProperty({ type: () => UserUsageResponse }) usage!: UserUsageResponse;
  @ApiProperty({
    type: () => AdminSessionResponse,
    isArray: true,
    description: 'Live sessions (neither revoked nor expired), newest login first; at most the 100 most recent.',
  })
  sessions!: AdminSessionResponse[];
}

export function presentUserDetail(user: User, usage: UserUsageSummary, sessions: Session[]): UserDetailResponse {
  return {
    ...presentUser(user),
    usage: { today: usage.day, this_month: usage.month },
    sessions: sessions.map(({ id, created_at, last_seen_at, ip, user_agent, expires_at }) => ({ id, created_at, last_seen_at, ip, user_agent, expires_at })),
  };
}
