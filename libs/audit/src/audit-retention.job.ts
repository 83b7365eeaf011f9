import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AuditRepository } from '#database';
import { OnJob } from '#jobs';

export const AUDIT_RETENTION_JOB = 'audit.retention';

/** Rows deleted per statement: small enough that no delete holds locks for long. */
const BATCH_SIZE = 5000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes audit records older than AUDIT_RETENTION_DAYS (0 keeps them forever). */
@Injectable()
export class AuditRetentionJob {
  private readonly logger = new Logger('AuditRetentionJob');

  constructor(
    private readonly events: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Hourly: the cutoff moves by the day, so a run more often would find nearly nothing.
  @OnJob({ name: AUDIT_RETENTION_JOB, everySeconds: 3600 })
  async handle(): Promise<void> {
    const days = this.config.audit.retentionDays;
    if (days === 0) return;
    const cutoff = new Date(Date.now() - days * DAY_MS);
    let deleted = 0;
    let batch: number;
    do {
      batch = await this.events.deleteOlderThan(cutoff, BATCH_SIZE);
      deleted += batch;
    } while (batch === BATCH_SIZE);
    if (deleted) this.logger.log(`Deleted ${deleted} audit records older than ${days} days`);
  }
}
