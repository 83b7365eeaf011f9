export * from './audit-log';
export * from './audit.module';
export * from './audit-retention.job';
export * from './dto/audit.dto';
