export * from './entities';
export * from './database.module';
export * from './data-source-options';
export * from './migrate';
export * from './database-unavailable.error';
export * from './repositories';
export { MIGRATIONS } from './migrations';
