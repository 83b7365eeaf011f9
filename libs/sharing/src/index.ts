export * from './sharing.module';
export { SHARED_READS_PER_MINUTE } from './sharing.service';
