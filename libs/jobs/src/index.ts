export * from './job.types';
export * from './jobs.module';
export * from './on-job.decorator';
