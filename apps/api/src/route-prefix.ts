import type { INestApplication } from '@nestjs/common';

/**
 * Every route under /api except the Prometheus scrape and the OpenAI-compatible API (/v1, where
 * OpenAI clients expect it); shared by the server and the OpenAPI writer.
 */
export function applyRoutePrefix(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['metrics', 'v1/{*path}'] });
}
