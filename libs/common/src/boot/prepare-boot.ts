import { Logger } from '@nestjs/common';
import { AppConfig, Env, loadConfig, resolveJwtSecret } from '#config';
import type { BootReporter } from '../logging/boot-reporter';
import { checkRedisReachable } from './check-redis';

/** What the API and the worker do before Nest starts: validated settings, boot logging, Redis answering. */
export async function prepareBoot(env: Env, boot: BootReporter): Promise<AppConfig> {
  const config = resolveJwtSecret(loadConfig(env));
  Logger.overrideLogger(boot.nestLogger);
  if (config.redisUrl) await checkRedisReachable(config.redisUrl);
  return config;
}
