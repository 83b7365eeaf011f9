import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log';

/** The audit log's writer, imported by every feature that records events. */
@Module({
  providers: [AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
