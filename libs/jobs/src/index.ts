export * from './job.types';
export * from './jobs.module';
export * from './job-handlers.module';
export * from './bull-job-worker';
export * from './handlers/session-cleanup.job';
export * from './handlers/chat-title.job';
export * from './handlers/stale-answers.job';
export * from './handlers/document-extraction.job';
