import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsString, Matches, MaxLength } from 'class-validator';
import { INT4_MAX, IsInt4, KeysetPageQuery, Optional, PageOf } from '#common';
import { AUDIT_OUTCOMES } from '#database';
import type { AuditOutcome } from '#database';
import { AUDIT_TARGET_TYPES } from '../audit-log';
import type { AuditTargetType } from '../audit-log';

/** Record ids are a bigint sequence; as JSON integers they stay exact up to 2^53, which the log never reaches. */
const ID_DESCRIPTION = 'The record\'s id: an integer, increasing with time (stored as bigint, exact in JSON up to 2^53).';

export class ListAuditEventsQuery extends KeysetPageQuery(
  { default: 50, maximum: 200 },
  'Cursor: the `next_before` of the previous page (the id of the last record seen).',
  Number.MAX_SAFE_INTEGER,
) {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: INT4_MAX, description: 'Who acted (a user id).' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  actor_id?: number;

  @ApiPropertyOptional({
    description: 'An action (`auth.login`), or every action starting with a prefix ending in a dot (`auth.`).',
    example: 'auth.',
    maxLength: 64,
  })
  @Optional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$/, { message: 'action must be an action name like auth.login, or a prefix like auth.' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_TARGET_TYPES })
  @Optional()
  @IsIn(AUDIT_TARGET_TYPES)
  target_type?: AuditTargetType;

  @ApiPropertyOptional({ description: 'The target\'s id, as recorded (a user or group id, a session id, `GET /api/admin/users/:id`).', maxLength: 64 })
  @Optional()
  @IsString()
  @MaxLength(64)
  target_id?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @Optional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ format: 'date-time', description: 'Records created at or after this time (ISO 8601).' })
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Records created before this time (ISO 8601).' })
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditEventResponse {
  @ApiProperty({ type: 'integer', description: ID_DESCRIPTION }) id!: number;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Who acted; null when nobody was signed in (e.g. a failed login for an unknown account).' })
  actor_id!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The actor\'s email at the time; null once that user is deleted.' })
  actor_label!: string | null;
  @ApiProperty({ example: 'auth.login' }) action!: string;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: AuditOutcome;
  @ApiProperty({ type: String, nullable: true, enum: AUDIT_TARGET_TYPES }) target_type!: string | null;
  @ApiProperty({ type: String, nullable: true }) target_id!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'A readable name of the target at the time (an email, a name).' })
  target_label!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What changed (field names and new values), or why it failed; never a secret or content.',
  })
  details!: Record<string, unknown> | null;
}

export class AuditEventPage extends PageOf(AuditEventResponse, 'Newest first.') {}
