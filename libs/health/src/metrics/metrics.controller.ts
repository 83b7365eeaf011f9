import { Controller, Get, Headers, Inject, Logger, OnModuleInit, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { NotFoundError, UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { MetricsService } from './metrics.service';

const DISABLED = 'Metrics are disabled: set METRICS_TOKEN to enable /metrics';

function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Prometheus text format at /metrics (outside /api, where scrapers look); behind METRICS_TOKEN when set.
 * In production without a token it answers 404: routes, traffic and memory are not for the public, and a
 * scraper is configured once with a token, whereas a forgotten open endpoint stays open.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController implements OnModuleInit {
  private readonly disabled: boolean;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.disabled = config.appEnv === 'production' && !config.metricsToken;
  }

  onModuleInit(): void {
    if (this.disabled) new Logger('Metrics').warn(`${DISABLED} (APP_ENV=production answers 404 without it)`);
  }

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) response: Response) {
    if (this.disabled) throw new NotFoundError(DISABLED);
    const token = this.config.metricsToken;
    if (token && !sameSecret(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '', token)) throw new UnauthorizedError();
    response.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
