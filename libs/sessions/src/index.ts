export * from './session-cache';
export * from './redis-session-cache';
export * from './session-cleanup.job';
export * from './sessions.service';
export * from './sessions.module';
export * from './url-tickets';
export * from './url-ticket.response';
