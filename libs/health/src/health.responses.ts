import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BreakerState } from '#llm';
import type { CheckStatus } from './health.service';

const CHECK_STATUSES: CheckStatus[] = ['up', 'down', 'disabled'];
const BREAKER_STATES: BreakerState[] = ['closed', 'half_open', 'open'];

export class Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecks {
  @ApiProperty({ enum: CHECK_STATUSES }) database!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: '`disabled` without REDIS_URL.' }) redis!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: 'The model providers; does not decide readiness.' }) llm!: CheckStatus;
  @ApiProperty({ enum: CHECK_STATUSES, description: 'Jobs waiting with no worker is `down`; does not decide readiness.' }) jobs!: CheckStatus;
}

export class LlmEndpointReadiness {
  @ApiProperty({ example: 'mistral', description: 'The endpoint: `mistral`, `vllm` or an LLM_ENDPOINTS name.' }) name!: string;
  @ApiProperty({
    enum: BREAKER_STATES,
    description: 'Its circuit breaker, shared by every instance with Redis: `open` is skipped, `half_open` lets one probe through.',
  })
  state!: BreakerState;
  @ApiProperty({ type: [String], example: ['mistral-small-latest'], description: 'The models it serves.' }) models!: string[];
}

const LLM_ENDPOINTS_DESCRIPTION = 'Each configured LLM endpoint with its breaker; an open one does not decide readiness.';

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiPropertyOptional({ description: 'When `degraded`: why, for the operator.' }) detail?: string;
  @ApiProperty({ type: ReadinessChecks }) checks!: ReadinessChecks;
  @ApiProperty({ type: [LlmEndpointReadiness], description: LLM_ENDPOINTS_DESCRIPTION }) llm_endpoints!: LlmEndpointReadiness[];
}

export class NotReadyResponse {
  @ApiProperty({ example: 'Not ready: database down' }) detail!: string;
  @ApiProperty({ type: ReadinessChecks }) checks!: ReadinessChecks;
  @ApiProperty({ type: [LlmEndpointReadiness], description: LLM_ENDPOINTS_DESCRIPTION }) llm_endpoints!: LlmEndpointReadiness[];
}
