import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is up.' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({
    description:
      'Database (and Redis, when configured) answer. `checks.llm` (the model providers) and `checks.jobs` (jobs waiting with no worker) ' +
      'do not decide readiness: when down, `status` is `degraded` and `detail` says why.',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which.' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const { ready, checks, problems } = await this.health.readiness();
    // Ready without the model or a worker: answers or extraction wait, everything else works.
    if (ready) return problems.length ? { status: 'degraded', detail: problems.join('; '), checks } : { status: 'ok', checks };
    response.status(503);
    const down = (['database', 'redis'] as const).filter((name) => checks[name] === 'down');
    return { detail: `Not ready: ${down.join(', ')} down`, checks };
  }
}
