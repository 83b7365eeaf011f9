export * from './usage-ledger';
export * from './usage.module';
export * from './reports/usage-reports.module';
export { BudgetAdmission } from './budgets/budget-admission';
export * from './budgets/budget-rules';
export { BudgetsService } from './budgets/budgets.service';
