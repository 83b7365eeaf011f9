export * from './groups.module';
export * from './group-membership';
