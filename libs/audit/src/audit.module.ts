import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditLog } from './audit-log';
import { AuditRetentionJob } from './audit-retention.job';

/**
 * The audit log: its writer (AuditLog), imported by every feature that records
 * events; the admins' reading route; and the retention job, run by whoever runs jobs.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditLog, AuditEventsService, AuditRetentionJob],
  exports: [AuditLog],
})
export class AuditModule {}
