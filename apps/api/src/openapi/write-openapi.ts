import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig, readProcessEnv } from '#config';
import { AppModule } from '../app.module';
import { applyRoutePrefix } from '../route-prefix';
import { buildOpenApiDocument } from './openapi-document';

/**
 * Writes the OpenAPI document to the file given (stdout without one), with no database, Redis or
 * network: the module graph is built in preview mode, so no provider is instantiated.
 * Usage: node dist/apps/api/src/openapi/write-openapi.js [out.json]
 */
async function main(out: string | undefined): Promise<void> {
  const config = loadConfig(readProcessEnv());
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  applyRoutePrefix(app);
  const json = `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`;
  await app.close();
  if (!out) {
    process.stdout.write(json);
    return;
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, json);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
