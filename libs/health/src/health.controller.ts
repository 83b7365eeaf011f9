import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiNoAuth } from '#common';
import type { Response } from 'express';
import { Liveness, NotReadyResponse, ReadinessResponse } from './health.responses';
import { HealthService } from './health.service';

@ApiTags('health')
@ApiNoAuth()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ type: Liveness, description: 'The process is up.' })
  live(): Liveness {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and Redis answer' })
  @ApiOkResponse({
    type: ReadinessResponse,
    description:
      'Database (and Redis, when configured) answer. `checks.llm` (the model providers) and `checks.jobs` (jobs waiting with no worker) ' +
      'do not decide readiness, nor an open breaker in `llm_endpoints`: then `status` is `degraded` and `detail` says why.',
  })
  @ApiServiceUnavailableResponse({ type: NotReadyResponse, description: 'A dependency is down; `checks` says which.' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessResponse | NotReadyResponse> {
    const { ready, checks, llmEndpoints: llm_endpoints, problems } = await this.health.readiness();
    // Ready without the model or a worker: answers or extraction wait, everything else works.
    if (ready) {
      return problems.length ? { status: 'degraded', detail: problems.join('; '), checks, llm_endpoints } : { status: 'ok', checks, llm_endpoints };
    }
    response.status(503);
    const down = (['database', 'redis'] as const).filter((name) => checks[name] === 'down');
    return { detail: `Not ready: ${down.join(', ')} down`, checks, llm_endpoints };
  }
}
