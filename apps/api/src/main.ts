import 'reflect-metadata';
import { ConfigError, loadConfig, readProcessEnv, resolveJwtSecret } from '../../../libs/config/src';
import { Logger } from 'nestjs-pino';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = resolveJwtSecret(loadConfig(readProcessEnv()));
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const mode = `database=${config.databaseUrl ? 'postgresql' : 'embedded'} redis=${config.redisUrl ? 'on' : 'off'}`;
  app.get(Logger).log(`FoyerGPT API listening on http://${config.host}:${config.port} (${mode}); docs at /api/docs`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
