export * from './session-cache';
export * from './session-cleanup.job';
export * from './session-revocations';
export * from './sessions.service';
export * from './sessions.module';
