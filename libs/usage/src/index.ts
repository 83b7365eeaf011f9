export * from './usage-ledger';
export * from './usage.module';
