import { AppConfig, ConfigModule } from '#config';
import { DatabaseModule } from '#database';
import { CacheModule, RedisModule } from '#redis';
import { loggerModule } from '../logging/logger.module';

/** What every process of the app (API and worker) stands on: configuration, logs, database, Redis, cache. */
export function infrastructureModules(config: AppConfig) {
  return [ConfigModule.forRoot(config), loggerModule(config), DatabaseModule, RedisModule, CacheModule];
}
