import { AppConfig, StartupError } from '#config';

/**
 * Several workers share rate limits, caches, stops and live answers through
 * Redis, and one database server: the embedded database belongs to one process.
 */
export function checkClusterRequirements(config: AppConfig): void {
  if (config.webConcurrency <= 1) return;
  const missing = [config.redisUrl ? undefined : 'REDIS_URL', config.databaseUrl ? undefined : 'DATABASE_URL'].filter(Boolean);
  if (missing.length === 0) return;
  const workers = config.webConcurrency;
  throw new StartupError(
    `WEB_CONCURRENCY=${workers} runs ${workers} API workers, which share their state through Redis (REDIS_URL) and need a ` +
      `PostgreSQL server (DATABASE_URL; the embedded database serves one process): set ${missing.join(' and ')}, or set WEB_CONCURRENCY=1`,
  );
}
