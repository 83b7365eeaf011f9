import { Injectable, Logger } from '@nestjs/common';
import { SessionsRepository } from '#database';
import { OnJob } from '#jobs';

export const SESSION_CLEANUP_JOB = 'sessions.cleanup';

/** How long a revoked session stays listed before it is deleted. */
const REVOKED_RETENTION_DAYS = 7;

/** Deletes expired sessions, and revoked ones after a week. */
@Injectable()
export class SessionCleanupJob {
  private readonly logger = new Logger('SessionCleanupJob');

  constructor(private readonly sessions: SessionsRepository) {}

  @OnJob({ name: SESSION_CLEANUP_JOB, everySeconds: (config) => config.jobs.sessionCleanupIntervalSeconds })
  async handle(): Promise<void> {
    const deleted = await this.sessions.deleteFinished(REVOKED_RETENTION_DAYS);
    if (deleted) this.logger.log(`Deleted ${deleted} expired or revoked sessions`);
  }
}
