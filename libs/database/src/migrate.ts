import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Any constant shared by every instance of the app; it names the migration lock.
const MIGRATION_LOCK_ID = 861_861_001;

/**
 * Applies pending migrations on boot. On PostgreSQL several instances may start
 * together, so they take turns on an advisory lock; PGlite is one process.
 */
export async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<void> {
  const logger = new Logger('Migrations');
  if (embedded) {
    await apply(dataSource, logger);
    return;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await apply(dataSource, logger);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.release();
  }
}

async function apply(dataSource: DataSource, logger: Logger): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
}
