export * from './session-cache';
export * from './session-cleanup.job';
export * from './sessions.service';
export * from './sessions.module';
