import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../../../libs/common/src';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { MetricsService } from './metrics.service';

function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus text format at /metrics (outside /api, where scrapers look); behind METRICS_TOKEN when set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) response: Response) {
    const token = this.config.metricsToken;
    if (token && !sameSecret(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '', token)) throw new UnauthorizedError();
    response.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
