import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, Max, Min } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional } from '#common';

export const MAX_SHARE_DAYS = 365;

export class CreateShareDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'When the link stops working (in the future). Give this or `expires_in_days`, or neither: no expiry.' })
  @Optional()
  @IsISO8601({ strict: true })
  expires_at?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SHARE_DAYS, description: 'Days the link works, from now.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_SHARE_DAYS)
  expires_in_days?: number;
}

export class ListSharesQuery extends KeysetPageQuery({ default: 20, maximum: 100 }, 'Cursor: the `next_before` of the previous page (a link id).') {}

export class ForkSharedDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: "The agent of the new chat, needed only when I may not use the shared chat's agent (422 then asks for it).",
  })
  @Optional()
  @IsInt4()
  agent_id?: number;
}
