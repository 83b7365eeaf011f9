import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckStatus } from './health.service';

const CHECK_STATUSES: CheckStatus[] = ['up', 'down', 'disabled'];

export class Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecks {
  @ApiProperty({ enum: CHECK_STATUSES }) database!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: '`disabled` without REDIS_URL.' }) redis!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: 'The model providers; does not decide readiness.' }) llm!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: 'Jobs waiting with no worker is `down`; does not decide readiness.' }) jobs!: CheckStatus;
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiPropertyOptional({ description: 'When `degraded`: why, for the operator.' }) detail?: string;
  @ApiProperty({ type: ReadinessChecks }) checks!: ReadinessChecks;
}

export class NotReadyResponse {
  @ApiProperty({ example: 'Not ready: database down' }) detail!: string;
  @ApiProperty({ type: ReadinessChecks }) checks!: ReadinessChecks;
}
