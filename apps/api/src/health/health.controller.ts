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
  @ApiOkResponse({ description: 'Database (and Redis, when configured) answer; `checks.llm` reports the model providers (`degraded` when they do not answer).' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which.' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const { ready, checks } = await this.health.readiness();
    // Ready without the model: answers fail, everything else works.
    if (ready) return { status: checks.llm === 'down' ? 'degraded' : 'ok', checks };
    response.status(503);
    const down = Object.entries(checks).filter(([, status]) => status === 'down').map(([name]) => name);
    return { detail: `Not ready: ${down.join(', ')} down`, checks };
  }
}
