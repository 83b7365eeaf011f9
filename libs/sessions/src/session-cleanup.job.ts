import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Session } from '#database';
import { OnJob } from '#jobs';

export const SESSION_CLEANUP_JOB = 'sessions.cleanup';

/** How long a revoked session stays listed before it is deleted. */
const REVOKED_RETENTION_DAYS = 7;

/** Deletes expired sessions, and revoked ones after a week. */
@Injectable()
export class SessionCleanupJob {
  private readonly logger = new Logger('SessionCleanupJob');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @OnJob({ name: SESSION_CLEANUP_JOB, everySeconds: (config) => config.jobs.sessionCleanupIntervalSeconds })
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
