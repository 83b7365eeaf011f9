import type { INestApplication } from '@nestjs/common';

/** Every route under /api except the Prometheus scrape; shared by the server and the OpenAPI writer. */
export function applyRoutePrefix(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
}
