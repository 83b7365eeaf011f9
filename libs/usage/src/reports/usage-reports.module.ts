import { Module } from '@nestjs/common';
import { UsageReportsController } from './usage-reports.controller';
import { UsageReportsService } from './usage-reports.service';

/** The admins' usage reports (GET /api/admin/usage); the repository comes from the global DatabaseModule. */
@Module({
  controllers: [UsageReportsController],
  providers: [UsageReportsService],
})
export class UsageReportsModule {}
