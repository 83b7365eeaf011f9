import { DataSource } from 'typeorm';
import type { AppConfig } from '#config';
import { buildDataSourceOptions, DatabaseUnavailableError, runMigrations } from '#database';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;

async function connect(config: AppConfig, url: string): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    const dataSource = new DataSource(buildDataSourceOptions(config));
    try {
      return await dataSource.initialize();
    } catch (error) {
      const unavailable = new DatabaseUnavailableError(url, error);
      // As the database module does: a server still starting gets two more chances.
      if (!unavailable.transient || attempt >= ATTEMPTS) throw unavailable;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
}

/**
 * Brings the schema up to date once, in the primary, before any worker
 * starts: the workers then find nothing to apply.
 */
export async function migrateBeforeForking(config: AppConfig): Promise<void> {
  if (!config.databaseUrl) return;
  const dataSource = await connect(config, config.databaseUrl);
  try {
    await runMigrations(dataSource, false);
  } finally {
    await dataSource.destroy();
  }
}
