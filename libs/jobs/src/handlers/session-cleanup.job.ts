import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../config/src';
import type { AppConfig } from '../../../config/src';
import { Session } from '../../../database/src';
import { JobHandler } from '../job.types';

export const SESSION_CLEANUP_JOB = 'sessions.cleanup';

/** How long a revoked session stays listed before it is deleted. */
const REVOKED_RETENTION_DAYS = 7;

/** Deletes expired sessions, and revoked ones after a week. */
@Injectable()
export class SessionCleanupJob implements JobHandler {
  readonly name = SESSION_CLEANUP_JOB;
  readonly everySeconds: number;
  private readonly logger = new Logger('SessionCleanupJob');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.everySeconds = config.jobs.sessionCleanupIntervalSeconds;
  }

  async handle(): Promise<void> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Session)
      .where('expires_at < now()')
      .orWhere(`revoked_at < now() - interval '${REVOKED_RETENTION_DAYS} days'`)
      .execute();
    if (result.affected) this.logger.log(`Deleted ${result.affected} expired or revoked sessions`);
  }
}
