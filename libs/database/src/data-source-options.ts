import * as path from 'node:path';
import * as fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '#config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { lockEmbeddedDatabase } from './pglite/embedded-lock';
import { pgliteDriver } from './pglite/pglite-pool';

const common = {
  type: 'postgres' as const,
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsRun: false,
  synchronize: false,
  // Query errors are thrown to the caller and logged there (the exception filter); no console noise.
  logging: false,
};

export function pgliteDataDir(config: AppConfig): string {
  return path.join(config.dataDir, 'pglite');
}

/**
 * The one place database options are built, for the app, the worker, the tests
 * and the TypeORM CLI (ormconfig.ts). With DATABASE_URL unset the database is
 * PGlite in-process, persisted under DATA_DIR, with pgvector loaded, and locked
 * to this process until the data source is destroyed.
 */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  if (config.databaseUrl) {
    return {
      ...common,
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      applicationName: 'foyergpt',
      connectTimeoutMS: 5000,
    };
  }
  const dataDir = pgliteDataDir(config);
  fs.mkdirSync(dataDir, { recursive: true });
  const unlock = lockEmbeddedDatabase(dataDir);
  const db = new PGlite({ dataDir, extensions: { vector } });
  return { ...common, driver: pgliteDriver(db, unlock) } as DataSourceOptions;
}
