import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { runMigrations } from './migrate';
import { REPOSITORIES } from './repositories';

/**
 * PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise; either way
 * the schema is brought up to date before any other module gets the DataSource.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        // A server still starting gets two more chances; a wrong name or password fails at once.
        retryAttempts: 3,
        retryDelay: 1000,
        toRetry: (error: unknown) => error instanceof DatabaseUnavailableError && error.transient,
        embedded: !config.databaseUrl,
      }),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('No database options');
        const { embedded, ...rest } = options as typeof options & { embedded: boolean };
        const dataSource = new DataSource(rest);
        try {
          await dataSource.initialize();
        } catch (error) {
          if (embedded || !('url' in rest) || !rest.url) throw error;
          throw new DatabaseUnavailableError(rest.url, error);
        }
        await runMigrations(dataSource, embedded);
        return dataSource;
      },
    }),
  ],
  // The persistence layer: every query of every feature lives in one of these.
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class DatabaseModule {}
