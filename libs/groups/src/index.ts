export * from './groups.module';
export * from './group-membership';
export * from './provider-groups';
