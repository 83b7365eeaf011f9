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
  @ApiOkResponse({ description: 'Database (and Redis, when configured) answer.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which.' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const { ready, checks } = await this.health.readiness();
    if (ready) return { status: 'ok', checks };
    response.status(503);
    const down = Object.entries(checks).filter(([, status]) => status === 'down').map(([name]) => name);
    return { detail: `Not ready: ${down.join(', ')} down`, checks };
  }
}
