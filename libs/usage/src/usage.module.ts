import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { BudgetAdmission } from './budgets/budget-admission';
import { BudgetsController } from './budgets/budgets.controller';
import { BudgetsService } from './budgets/budgets.service';
import { MyUsageController } from './budgets/my-usage.controller';
import { UsageLedger } from './usage-ledger';

/** The usage ledger, and the budgets held against it (admin routes, GET /api/me/usage, the admission check). */
@Module({
  imports: [AuditModule],
  controllers: [BudgetsController, MyUsageController],
  providers: [UsageLedger, BudgetAdmission, BudgetsService],
  exports: [UsageLedger, BudgetAdmission],
})
export class UsageModule {}
