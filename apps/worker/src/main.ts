import 'reflect-metadata';
import { ConfigError, loadConfig, readProcessEnv, resolveJwtSecret } from '../../../libs/config/src';
import { createWorker } from './create-worker';

createWorker(resolveJwtSecret(loadConfig(readProcessEnv()))).catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
