export * from './export/export.schema';
export * from './transfer.module';
